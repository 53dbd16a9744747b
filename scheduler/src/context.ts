import type { Rules } from '../../core/rules';
import type { ChannelConfig, Config } from './config';
import type { LedgerCache } from './ledger';
import type { Metrics } from './metrics';
import type { Store } from './store';
import type { Routes } from './delivery/transport';
import { notFound } from './errors';

export interface Channel {
	id: string;
	name: string;
	rules: Rules;
	rulesVersion: number;
	config: ChannelConfig;
}

/** The service's clock: injected, so tests cross week boundaries without sleeping. */
export type Clock = () => Date;

export interface Context {
	store: Store;
	clock: Clock;
	config: Config;
	channels: Map<string, Channel>;
	/** The transport each channel delivers through now (a registered webhook, or its configuration). */
	transports: Routes;
	metrics: Metrics;
	/** The counts of each channel's last decision, reused while its ledger version is unchanged. */
	ledger: LedgerCache;
	/** Base URL n8n calls back (ack). */
	publicUrl: string;
}

export function channelOf(ctx: Context, id: string): Channel {
	const channel = ctx.channels.get(id);
	if (!channel) throw notFound('channel', id);
	return channel;
}
