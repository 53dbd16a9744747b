// Prometheus metrics: messages by state (read from the database at scrape time), decisions, and the
// time from claim to sent. One registry per service instance (tests run several in one process).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { STATES } from './model';
import type { Store } from './store';

export interface Metrics {
	registry: Registry;
	decision(channel: string, result: string): void;
	sent(channel: string, seconds: number): void;
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
			this.reset();
			const rows = await store.all<{ channel: string; state: string; n: number }>('SELECT channel, state, count(*) AS n FROM messages GROUP BY channel, state');
			const channels = new Set(rows.map((r) => r.channel));
			for (const channel of channels) for (const state of STATES) this.set({ channel, state }, 0);
			for (const r of rows) this.set({ channel: r.channel, state: r.state }, Number(r.n));
		},
	});
	return {
		registry,
		decision: (channel, result) => decisions.inc({ channel, result }),
		sent: (channel, seconds) => latency.observe({ channel }, seconds),
	};
}
