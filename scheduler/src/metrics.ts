// Prometheus metrics: messages by state (read from the database at scrape time), decisions, and the
// time from claim to sent, database faults by kind, delivery errors by transport and outcome. One
// registry per service instance (tests run several in one process).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { STATES } from './model';
import { FAULT_KINDS, type Store } from './store';

export interface Metrics {
	registry: Registry;
	decision(channel: string, result: string): void;
	sent(channel: string, seconds: number): void;
	/** A delivery that did not end `sent`: `retrying`, `failed`, `unknown` (the lease decides), `in_doubt`, `thrown`. */
	deliveryError(channel: string, transport: string, outcome: string): void;
}

export function createMetrics(store: Store): Metrics {
	const registry = new Registry();
	const decisions = new Counter({ name: 'banditore_decisions_total', help: 'Quota and rules decisions by result', labelNames: ['channel', 'result'], registers: [registry] });
	const latency = new Histogram({
		name: 'banditore_dispatch_seconds',
		help: 'From going in flight to sent',
		labelNames: ['channel'],
		buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
		registers: [registry],
	});
	new Gauge({
		name: 'banditore_messages',
		help: 'Messages by channel and state',
		labelNames: ['channel', 'state'],
		registers: [registry],
		async collect() {
			// The database down: the last counts stay, so that the fault counts below are still scraped.
			const rows = await store.all<{ channel: string; state: string; n: number }>('SELECT channel, state, count(*) AS n FROM messages GROUP BY channel, state').catch(() => null);
			if (!rows) return;
			this.reset();
			const channels = new Set(rows.map((r) => r.channel));
			for (const channel of channels) for (const state of STATES) this.set({ channel, state }, 0);
			for (const r of rows) this.set({ channel: r.channel, state: r.state }, Number(r.n));
		},
	});
	new Counter({
		name: 'banditore_store_errors_total',
		help: 'Database faults by kind (connection, disk_full, read_only, io)',
		labelNames: ['kind'],
		registers: [registry],
		collect() {
			this.reset();
			for (const kind of FAULT_KINDS) this.inc({ kind }, store.faults.counts[kind]);
		},
	});
	const deliveries = new Counter({ name: 'banditore_delivery_errors_total', help: 'Deliveries that did not end sent, by outcome', labelNames: ['channel', 'transport', 'outcome'], registers: [registry] });
	return {
		registry,
		deliveryError: (channel, transport, outcome) => deliveries.inc({ channel, transport, outcome }),
		decision: (channel, result) => decisions.inc({ channel, result }),
		sent: (channel, seconds) => latency.observe({ channel }, seconds),
	};
}
