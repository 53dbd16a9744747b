// Where each channel's due messages go: its configured outlets (fanned out when there are several),
// or the n8n flow registered for it. A lookup the dispatch loop makes without waiting: registrations
// are read again after every change made here and on a timer, for changes made by other processes.
import type { ChannelConfig } from '../config';
import { listWebhooks, type Webhook } from '../n8n-flows';
import type { Queryable } from '../store';
import { Fanout, type OutletLog } from './fanout';
import { isDirect, outletsOf, transportOf } from './kinds';
import { flowTimeoutMs, N8nFlowTransport } from './n8n-flow';
import type { Routes as RoutesLookup, Transport } from './transport';

export class Routes implements RoutesLookup {
	private webhooks: Webhook[] = [];
	private readonly configured = new Map<string, Transport>();
	private readonly outletsByChannel = new Map<string, Transport[]>();
	private readonly registered = new Map<string, N8nFlowTransport>();
	private timer: NodeJS.Timeout | undefined;

	constructor(
		private readonly store: Queryable,
		channels: ChannelConfig[],
		private readonly leaseSeconds: number,
		private readonly token: string,
		outletLog: OutletLog,
	) {
		for (const channel of channels) {
			const outlets = outletsOf(channel.delivery).map((settings) => transportOf(settings, { channel: channel.id, leaseSeconds, token }));
			this.outletsByChannel.set(channel.id, outlets);
			this.configured.set(channel.id, outlets.length === 1 ? outlets[0] : new Fanout(channel.id, outlets, outletLog));
		}
	}

	get(channel: string): Transport | undefined {
		// A channel that posts by itself (to subscribers, to a channel through a gateway, to Telegram) keeps doing so, whatever n8n flows are registered.
		const configured = this.configured.get(channel);
		if (configured && this.outlets(channel).every((outlet) => isDirect(outlet.kind))) return configured;
		const hook = this.webhooks.find((webhook) => webhook.channels?.includes(channel)) ?? this.webhooks.find((webhook) => !webhook.channels);
		if (!hook) return configured;
		let transport = this.registered.get(hook.url);
		if (!transport) {
			transport = new N8nFlowTransport(hook.url, flowTimeoutMs(this.leaseSeconds), this.token);
			this.registered.set(hook.url, transport);
		}
		return transport;
	}

	outlets(channel: string): readonly Transport[] {
		return this.outletsByChannel.get(channel) ?? [];
	}

	kind(channel: string): string {
		return this.get(channel)?.kind ?? 'outbox';
	}

	async refresh(): Promise<void> {
		this.webhooks = await listWebhooks(this.store);
	}

	start(everyMs = 10_000): void {
		this.timer = setInterval(() => void this.refresh().catch(() => undefined), everyMs);
		this.timer.unref();
	}

	stop(): void {
		clearInterval(this.timer);
		// Gateways keep connections alive between posts: closed with the scheduler.
		for (const outlets of this.outletsByChannel.values()) for (const transport of outlets) transport.close?.();
	}
}
