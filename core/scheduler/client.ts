// The one client of the Banditore scheduler's HTTP API (/v1), shared by the n8n nodes and the CLI.
// It does not know how bytes travel: a transport is injected (n8n's httpRequestWithAuthentication
// in the nodes, fetch with the bearer token in the CLI), so both are thin adapters and the paths,
// bodies and errors are written once, here.
import { isObject, SchedulerApiError, SchedulerUnreachableError } from './errors';

export type SchedulerMethod = 'GET' | 'POST' | 'DELETE';

export interface SchedulerRequest {
	method: SchedulerMethod;
	/** A path under the scheduler's address (`/v1/…`), or an absolute URL the scheduler gave (an ackUrl). */
	path: string;
	/** Sent as JSON; undefined sends no body at all. */
	body?: unknown;
	headers?: Record<string, string>;
}

export interface SchedulerResponse {
	status: number;
	/** The parsed JSON answer; anything else (an empty 304) may be null or a string. */
	body: unknown;
	headers: Record<string, unknown>;
}

/**
 * Carries one request and resolves with whatever status came back (4xx and 5xx included). It throws
 * only when there is no answer at all: the client turns that into SchedulerUnreachableError.
 */
export type SchedulerTransport = (request: SchedulerRequest) => Promise<SchedulerResponse>;

export interface SchedulerClientOptions {
	transport: SchedulerTransport;
	/** The scheduler's address as configured, named in "cannot be reached". */
	baseUrl: string;
	/** What to do when nothing answers, in the caller's terms (the credential, --url). */
	unreachableHint?: string;
	/**
	 * How the caller's surface shows the client's errors (the nodes: NodeApiError); by default they
	 * are thrown as they are, SchedulerApiError or SchedulerUnreachableError.
	 */
	presentError?: (error: SchedulerApiError | SchedulerUnreachableError) => Error;
}

/** A path under `baseUrl`, or an absolute URL as it is: for transports that build the URL themselves. */
export function schedulerUrl(baseUrl: string, path: string): string {
	return /^https?:\/\//i.test(path) ? path : `${baseUrl.replace(/\/+$/, '')}${path}`;
}

// What the API answers, as far as the callers read it; the rest of each object is passed through.
export interface SchedulerChannel {
	id: string;
	name: string;
	paused: boolean;
	/** The comune's sources from the scheduler's config (older schedulers send none). */
	sources?: Array<{ url: string; kind?: string; name?: string }>;
	[key: string]: unknown;
}

export interface SchedulerQuota {
	channel: string;
	week: 'iso' | 'rolling';
	limit: number;
	used: number;
	inFlight: number;
	remaining: number;
	emergencies: number;
	nextReset: string | null;
	paused: boolean;
	[key: string]: unknown;
}

export interface SchedulerMessage {
	id: string;
	channel: string;
	state: string;
	[key: string]: unknown;
}

export interface SchedulerSlot {
	id: string;
	channel: string;
	messageId: string;
	expiresAt: string;
	[key: string]: unknown;
}

export interface SchedulerWebhook {
	id: string;
	url: string;
	channels: string[] | null;
	[key: string]: unknown;
}

/** An enqueue: a news item the channel's rules judge, or a written message. */
export interface EnqueueInput {
	item?: Record<string, unknown>;
	text?: string;
	emergency?: boolean;
	justification?: string;
	dedupeKey?: string;
	category?: string;
	priority?: number;
	earliestAt?: string;
	expiresAt?: string;
	[key: string]: unknown;
}

export interface SlotInput {
	dedupeKey: string;
	emergency?: boolean;
	justification?: string;
	[key: string]: unknown;
}

export type AckInput = { status: 'sent'; providerMessageId?: string | null } | { status: 'failed'; reason: string; retry: boolean };

/** A refusal to reserve (quota used up, quiet hours, spacing, paused, rules) is an answer, not an error. */
export type SlotReservation = ({ reserved: true; slot: SchedulerSlot } | { reserved: false; error: string; message: string; hint?: string; retryAt?: string | null }) & Record<string, unknown>;

/** The channel's current rules; `notModified` when the If-None-Match tag still holds (a 304, no body). */
export type ChannelRulesAnswer =
	| { notModified: true; status: 304; etag: string | undefined }
	| { notModified: false; status: number; etag: string | undefined; rules: { channel?: unknown; version?: unknown; digest?: unknown; source?: unknown } };

/** What the scheduler recorded of a Cloud API status webhook, by subscriber key. */
export interface SchedulerRecordedStatus {
	messageId: string;
	status: 'sent' | 'delivered' | 'read' | 'failed';
	errorCode?: number | null;
}

export class SchedulerClient {
	constructor(private readonly options: SchedulerClientOptions) {}

	get baseUrl(): string {
		return this.options.baseUrl;
	}

	// Channels
	async channels(): Promise<SchedulerChannel[]> {
		const body = await this.json('GET', '/v1/channels');
		return Array.isArray(body.channels) ? (body.channels as SchedulerChannel[]) : [];
	}

	async quota(channel: string): Promise<SchedulerQuota> {
		return (await this.json('GET', `/v1/channels/${enc(channel)}/quota`)) as SchedulerQuota;
	}

	/** GET /v1/channels/{channel}/rules, conditional when the tag of a version already read is given. */
	async channelRules(channel: string, ifNoneMatch?: string): Promise<ChannelRulesAnswer> {
		const response = await this.call('GET', `/v1/channels/${enc(channel)}/rules`, undefined, ifNoneMatch ? { 'If-None-Match': ifNoneMatch } : undefined);
		const etag = header(response.headers, 'etag');
		if (response.status === 304) return { notModified: true, status: 304, etag };
		return { notModified: false, status: response.status, etag, rules: isObject(response.body) ? response.body : {} };
	}

	/** The wa.me sign-up link of a channel with subscribers. */
	async signupLink(channel: string): Promise<{ url: string; keyword: string }> {
		return (await this.json('GET', `/v1/channels/${enc(channel)}/signup`)) as { url: string; keyword: string };
	}

	// Messages
	/** `duplicate`: the item repeats a notice the channel already has (state `duplicate`, not sent): which message, and why. */
	async enqueue(channel: string, input: EnqueueInput): Promise<{ created: boolean; message: SchedulerMessage; duplicate?: { of: string; reason: string } | null }> {
		return (await this.json('POST', `/v1/channels/${enc(channel)}/messages`, input)) as { created: boolean; message: SchedulerMessage; duplicate?: { of: string; reason: string } | null };
	}

	async messages(channel: string, query: { state?: string[]; limit?: number } = {}): Promise<SchedulerMessage[]> {
		const params = new URLSearchParams();
		if (query.state?.length) params.set('state', query.state.join(','));
		if (query.limit !== undefined) params.set('limit', String(query.limit));
		const search = params.toString() ? `?${params.toString()}` : '';
		return (await this.json('GET', `/v1/channels/${enc(channel)}/messages${search}`)).messages as SchedulerMessage[];
	}

	async message(id: string): Promise<SchedulerMessage> {
		return (await this.json('GET', `/v1/messages/${enc(id)}`)).message as SchedulerMessage;
	}

	async cancel(id: string): Promise<SchedulerMessage> {
		return (await this.json('POST', `/v1/messages/${enc(id)}/cancel`, {})).message as SchedulerMessage;
	}

	/**
	 * The delivery's outcome: sent (counted in the week) or failed (retried or not). `ackUrl` is the
	 * address the scheduler gave with the message (Scheduler Trigger items); without it, the API's own.
	 */
	async ack(id: string, outcome: AckInput, ackUrl?: string): Promise<SchedulerMessage> {
		return (await this.json('POST', ackUrl || `/v1/messages/${enc(id)}/ack`, outcome)).message as SchedulerMessage;
	}

	// Slots: the quota for a send made outside the scheduler's queue.
	async reserveSlot(channel: string, input: SlotInput): Promise<SlotReservation> {
		const response = await this.call('POST', `/v1/channels/${enc(channel)}/slots`, input, undefined, [409]);
		const body = isObject(response.body) ? response.body : {};
		return (response.status === 409 ? { reserved: false, ...body } : { reserved: true, ...body }) as SlotReservation;
	}

	async confirmSlot(id: string, providerMessageId?: string): Promise<{ slot: SchedulerSlot; message: SchedulerMessage }> {
		return (await this.json('POST', `/v1/slots/${enc(id)}/confirm`, { providerMessageId })) as { slot: SchedulerSlot; message: SchedulerMessage };
	}

	async releaseSlot(id: string): Promise<{ slot: SchedulerSlot }> {
		return (await this.json('POST', `/v1/slots/${enc(id)}/release`, {})) as { slot: SchedulerSlot };
	}

	// Webhooks: where the scheduler delivers due messages (the Scheduler Trigger registers itself).
	async webhooks(): Promise<SchedulerWebhook[]> {
		const body = await this.json('GET', '/v1/webhooks');
		return Array.isArray(body.webhooks) ? (body.webhooks as SchedulerWebhook[]) : [];
	}

	/** `channels` null: every channel. */
	async registerWebhook(url: string, channels: string[] | null): Promise<SchedulerWebhook> {
		return (await this.json('POST', '/v1/webhooks', { url, channels })).webhook as SchedulerWebhook;
	}

	async unregisterWebhook(id: string): Promise<void> {
		await this.json('DELETE', `/v1/webhooks/${enc(id)}`);
	}

	// WhatsApp Cloud API statuses the scheduler recorded from Meta's webhooks.
	async lookupStatuses(broadcastId: string, keys: string[]): Promise<Map<string, SchedulerRecordedStatus>> {
		const body = await this.json('POST', '/v1/whatsapp/statuses/lookup', { broadcastId, keys });
		return new Map(Object.entries(isObject(body.statuses) ? (body.statuses as Record<string, SchedulerRecordedStatus>) : {}));
	}

	// Subscribers: GDPR requests (the number in the body, never in the URL) and maintenance.
	async exportSubscriber(number: string, channel?: string): Promise<Record<string, unknown>> {
		return this.json('POST', '/v1/subscribers/export', person(number, channel));
	}

	async deleteSubscriber(number: string, channel?: string): Promise<{ deleted: Record<string, number> }> {
		return (await this.json('POST', '/v1/subscribers/delete', person(number, channel))) as { deleted: Record<string, number> };
	}

	async purgeSubscribers(): Promise<{ deleted: Record<string, number> }> {
		return (await this.json('POST', '/v1/subscribers/purge')) as { deleted: Record<string, number> };
	}

	async reencryptSubscribers(): Promise<{ reencrypted: number; key: string }> {
		return (await this.json('POST', '/v1/subscribers/reencrypt')) as { reencrypted: number; key: string };
	}

	/** Every call goes through here: no answer and error answers become the two errors of errors.ts. */
	private async call(method: SchedulerMethod, path: string, body?: unknown, headers?: Record<string, string>, answers: number[] = []): Promise<SchedulerResponse> {
		const fail = (error: SchedulerApiError | SchedulerUnreachableError) => this.options.presentError?.(error) ?? error;
		let response: SchedulerResponse;
		try {
			response = await this.options.transport({ method, path, ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) });
		} catch (error) {
			throw fail(new SchedulerUnreachableError(origin(path) ?? this.options.baseUrl, this.options.unreachableHint ?? 'Check that the scheduler is running (banditore scheduler) and its address.', error));
		}
		if (response.status >= 400 && !answers.includes(response.status)) throw fail(SchedulerApiError.fromAnswer(response.status, response.body));
		return response;
	}

	private async json(method: SchedulerMethod, path: string, body?: unknown): Promise<Record<string, unknown>> {
		const response = await this.call(method, path, body);
		return isObject(response.body) ? response.body : {};
	}
}

export function createSchedulerClient(options: SchedulerClientOptions): SchedulerClient {
	return new SchedulerClient(options);
}

/** Where an absolute URL (an ackUrl) points, to name it when it does not answer; null for a path. */
function origin(path: string): string | null {
	if (!/^https?:\/\//i.test(path)) return null;
	try {
		return new URL(path).origin;
	} catch {
		return null;
	}
}

function enc(part: string): string {
	return encodeURIComponent(part);
}

function person(number: string, channel?: string): { number: string; channel?: string } {
	return { number, ...(channel ? { channel } : {}) };
}

/** A header by name in any case; the first value of a repeated one. */
function header(headers: Record<string, unknown>, name: string): string | undefined {
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() === name && value !== undefined && value !== null) return Array.isArray(value) ? String(value[0]) : String(value);
	}
	return undefined;
}
