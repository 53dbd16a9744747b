// What a delivery kind owns: the settings a channel writes for it, how they become ready to use (paths,
// secrets from the environment), its transport, and its answer after a crash (the transport's
// `recover`, documented in each kind's module). delivery/kinds.ts lists them.
import type { z } from '../../../core/vendor';
import { ConfigInvalid } from '../errors';
import type { Transport } from './transport';

/** Where a kind resolves its settings: the channel (for errors that say where), the environment, the config file's folder. */
export interface ResolveContext {
	channel: string;
	env: NodeJS.ProcessEnv;
	/** A path written in the config file, made absolute from the file's folder. */
	path(written: string): string;
}

export interface TransportOptions {
	channel: string;
	leaseSeconds: number;
	/** The scheduler's API token: the n8n Scheduler Trigger accepts calls only with it. */
	token: string;
}

export interface DeliveryKind<Schema extends z.ZodDiscriminatedUnionOption<'kind'>, Settings extends { kind: string }> {
	readonly kind: Settings['kind'];
	/** The settings as a channel writes them in the config file. */
	readonly schema: Schema;
	/** Posts by itself: a registered n8n flow does not take the channel over. */
	readonly direct: boolean;
	/** Ready to use; throws ConfigInvalid saying what to set. */
	resolve(written: z.infer<Schema>, at: ResolveContext): Settings;
	/** What is wrong with these settings under the dispatch settings, in one sentence; null when nothing. */
	check?(settings: Settings, leaseSeconds: number): string | null;
	transport(settings: Settings, options: TransportOptions): Transport;
}

/** Types a kind's module declaration (a function, so each module's types are inferred, not repeated). */
export const deliveryKind = <Schema extends z.ZodDiscriminatedUnionOption<'kind'>, Settings extends { kind: string }>(kind: DeliveryKind<Schema, Settings>): DeliveryKind<Schema, Settings> => kind;

/** A secret read from the environment variable the config file names; its absence says what the variable holds. */
export function secretFrom(at: ResolveContext, name: string, holds: string): string {
	const value = at.env[name];
	if (value) return value;
	throw new ConfigInvalid(`channel "${at.channel}": ${name} is not set; it holds ${holds}. Set it in the environment: the key is never written in the config file.`);
}
