// Direct delivery to a WhatsApp Channel (…@newsletter) or Community announcement group through WAHA
// or Evolution API, without n8n. The post is formatted as the n8n WhatsApp node formats a message of
// the scheduler, and counts as sent only once the channel read back shows it (core postAndConfirm).
//
// Crash choice (a lease that ran out while `sending`): the channel is read back, by the post's text.
// - the post is there → sent with its id; never posted a second time;
// - the gateway answers and the post is not there → queued again: the read-back is what the channel
//   shows, so posting again cannot make a duplicate there;
// - the read-back fails → unknown outcome: it keeps counting and waits for a person.
// A message tried before (a retry after an error, or after an explicit decision) is looked for in the
// channel first, for the same reason: gateways may post and still answer an error.
import { t, type MessageKey } from '../../../core/messages';
import { BanditoreError } from '../../../core/errors';
import {
	createHttpClient,
	evolutionGateway,
	findPost,
	fitText,
	gatewayFault,
	LIMITS,
	NetworkError,
	postAndConfirm,
	RETRYING,
	wahaGateway,
	type ClosableHttpClient,
	type ErrorClass,
	type GatewayFault,
	type Gateway,
	type GatewayPost,
	type HttpClient,
} from '../../../core/whatsapp';
import { z } from '../../../core/vendor';
import type { Message } from '../model';
import { deliveryKind, secretFrom, type ResolveContext } from './kind';
import type { DeliveryResult, Recovery, Transport } from './transport';

/** Messages of the channel read back: a comune posts far fewer than this between a post and its check. */
const READ_BACK = 20;

/** Where a delivery was when it failed: before the post, while posting, or after the gateway took it. */
type Phase = 'before' | 'posting' | 'posted';

export class GatewayTransport implements Transport {
	readonly kind: 'waha' | 'evolution';
	private readonly http: ClosableHttpClient;

	constructor(
		readonly settings: GatewayDelivery,
		private readonly timeoutMs: number,
	) {
		this.kind = settings.kind;
		this.http = createHttpClient({ maxSockets: 4, timeoutMs });
	}

	get name(): string {
		return this.settings.kind === 'waha' ? 'WAHA' : 'Evolution API';
	}

	async deliver(message: Message): Promise<DeliveryResult> {
		const post = postOf(message);
		const seen = { status: 0 };
		let phase: Phase = 'before';
		const client = this.gateway(async (request) => {
			const response = await this.http(request);
			seen.status = response.status;
			return response;
		});
		// The phase is known from the gateway's own send: postAndConfirm reads, sends, then reads again.
		const tracked: Gateway = {
			...client,
			async send(chatId, content) {
				phase = 'posting';
				const id = await client.send(chatId, content);
				phase = 'posted';
				return id;
			},
		};
		try {
			if (message.attempts > 1) {
				const there = findPost(await client.recent(this.settings.chatId, READ_BACK), null, post.text);
				if (there) return { kind: 'sent', providerMessageId: there.id };
			}
			const posted = await postAndConfirm(tracked, this.settings.chatId, post, { attempts: this.settings.confirmAttempts, delayMs: this.settings.confirmDelayMs });
			return { kind: 'sent', providerMessageId: posted.id };
		} catch (error) {
			return this.failure(error, phase, seen.status);
		}
	}

	async recover(message: Message): Promise<Recovery> {
		try {
			const found = findPost(await this.gateway(this.http).recent(this.settings.chatId, READ_BACK), null, postOf(message).text);
			if (found) return { sent: true, providerMessageId: found.id, note: t('scheduler.gateway.recovered') };
			return { sent: false, known: true, note: t('scheduler.gateway.requeued', { gateway: this.name }) };
		} catch (error) {
			return { sent: false, known: false, note: t('scheduler.gateway.readBackFailed', { gateway: this.name, detail: (error as Error).message }), alert: 'readBackFailed' };
		}
	}

	close(): void {
		this.http.close();
	}

	/** The same core gateways the n8n WhatsApp node builds from its credential. */
	private gateway(http: HttpClient): Gateway {
		const s = this.settings;
		const config = { kind: s.kind, baseUrl: s.baseUrl, apiKey: s.apiKey, session: s.kind === 'waha' ? s.session : s.instance, http, timeoutMs: this.timeoutMs };
		return s.kind === 'evolution' ? evolutionGateway(config) : wahaGateway(config);
	}

	/** Not posted (retry or not, by the error's class) or unknown (it may be in the channel). */
	private failure(error: unknown, phase: Phase, status: number): DeliveryResult {
		const gateway = this.name;
		if (phase === 'posted') {
			// The gateway took the post; the read-back failed, or did not find it (gateways report success
			// for posts that never show, and some show late). Either way it keeps its place in the week.
			if (error instanceof BanditoreError && error.code === 'not_confirmed') {
				return { kind: 'inDoubt', reason: t('scheduler.gateway.notConfirmed', { gateway, attempts: this.settings.confirmAttempts }) };
			}
			return { kind: 'unknown', reason: t('scheduler.gateway.unconfirmed', { gateway }) };
		}
		if (error instanceof NetworkError) {
			// A request written and then cut (a timeout): the gateway may have posted it.
			if (phase === 'posting' && error.maybeDelivered) return { kind: 'unknown', reason: t('scheduler.gateway.noAnswer', { gateway }) };
			return { kind: 'notHandedOver', reason: t('scheduler.gateway.unreachable', { gateway, url: this.settings.baseUrl }), retry: true };
		}
		if (error instanceof BanditoreError && error.code === 'http_status' && status >= 300) {
			const fault = gatewayFault(status);
			const { errorClass, key } = FAULTS[fault];
			const s = this.settings;
			const reason = t(key, { gateway, status, env: s.apiKeyEnv ?? (s.kind === 'waha' ? 'WAHA_API_KEY' : 'EVOLUTION_API_KEY'), session: s.kind === 'waha' ? s.session : s.instance, chatId: s.chatId });
			// A server error answering the post itself may come after the post went out: the lease's read-back settles it.
			if (phase === 'posting' && fault === 'unavailable') return { kind: 'unknown', reason };
			return { kind: 'notHandedOver', reason, retry: RETRYING.has(errorClass), ...(fault === 'disconnected' ? { alert: 'sessionDown' as const } : {}) };
		}
		// Anything else (a malformed answer): if it happened while posting, nobody can tell.
		const reason = `${gateway}: ${(error as Error).message}`;
		return phase === 'posting' ? { kind: 'unknown', reason } : { kind: 'notHandedOver', reason, retry: true };
	}
}

/**
 * The timeout of each request of a gateway delivery: all of it (the read before, the post, each
 * read-back and its pause) must end within half the lease, or another process could find the lease
 * run out mid-delivery, read the channel before the post shows, and post again. Null when the lease
 * is too short for the read-backs asked.
 */
export function gatewayTimeoutMs(settings: Pick<GatewayDelivery, 'confirmAttempts' | 'confirmDelayMs'>, leaseSeconds: number): number | null {
	const pauses = (settings.confirmDelayMs * settings.confirmAttempts * (settings.confirmAttempts + 1)) / 2;
	const timeout = Math.min(30_000, Math.floor(((leaseSeconds * 1000) / 2 - pauses) / (settings.confirmAttempts + 2)));
	return timeout >= 1000 ? timeout : null;
}

/** The text and image as the n8n WhatsApp node sends a scheduler message: the text cut to the limit of its kind. */
export function postOf(message: Pick<Message, 'text' | 'image'>): GatewayPost {
	const kind = message.image ? 'caption' : 'text';
	return { text: fitText(message.text, LIMITS[kind]), image: message.image ? { url: message.image } : null };
}

/** A gateway's HTTP error in the classes of core/whatsapp/errors.ts (only RETRYING ones are tried again), and its Italian reason. */
const FAULTS: Record<GatewayFault, { errorClass: ErrorClass; key: MessageKey }> = {
	auth: { errorClass: 'auth', key: 'scheduler.gateway.auth' },
	notFound: { errorClass: 'config', key: 'scheduler.gateway.notFound' },
	disconnected: { errorClass: 'transient', key: 'scheduler.gateway.disconnected' },
	throttled: { errorClass: 'throttle', key: 'scheduler.gateway.unavailable' },
	unavailable: { errorClass: 'transient', key: 'scheduler.gateway.unavailable' },
	refused: { errorClass: 'recipient', key: 'scheduler.gateway.refused' },
};

/** Direct posts to a WhatsApp Channel through WAHA or Evolution API; the API key is read from `apiKeyEnv`. */
function gatewaySchema<K extends 'waha' | 'evolution', S extends z.ZodRawShape>(kind: K, own: S) {
	return z
		.object({
			kind: z.literal(kind),
			baseUrl: z.string().url(),
			chatId: z.string().regex(/^[\w.-]+@(newsletter|g\.us)$/, 'the channel id as the gateway lists it, e.g. 120363012345678901@newsletter (a Community announcement group ends in @g.us)'),
			/** Read-backs of the channel before a post counts as not there, and the pause before the first. */
			confirmAttempts: z.number().int().min(1).max(20).default(4),
			confirmDelayMs: z.number().int().min(0).default(1500),
			...own,
		})
		.strict();
}

const wahaSchema = gatewaySchema('waha', { session: z.string().min(1).default('default'), apiKeyEnv: z.string().min(1).default('WAHA_API_KEY') });
const evolutionSchema = gatewaySchema('evolution', { instance: z.string().min(1), apiKeyEnv: z.string().min(1).default('EVOLUTION_API_KEY') });

type Keyed<T> = Omit<T, 'apiKeyEnv'> & { apiKeyEnv?: string; apiKey: string };
export type WahaDelivery = Keyed<z.infer<typeof wahaSchema>>;
export type EvolutionDelivery = Keyed<z.infer<typeof evolutionSchema>>;
export type GatewayDelivery = WahaDelivery | EvolutionDelivery;

const KEY_HOLDS = {
	waha: 'the WAHA API key (WHATSAPP_API_KEY of the WAHA server)',
	evolution: 'the Evolution API key (AUTHENTICATION_API_KEY of the server, or the instance token)',
};

/** The gateways share everything but their session's name: one declaration for both. */
function gatewayKind<S extends typeof wahaSchema | typeof evolutionSchema, D extends GatewayDelivery>(kind: D['kind'], schema: S) {
	return deliveryKind({
		kind,
		schema,
		direct: true,
		resolve: (written: z.infer<S>, at: ResolveContext) => ({ ...written, apiKey: secretFrom(at, written.apiKeyEnv, KEY_HOLDS[kind]) }) as unknown as D,
		check: (settings: D, leaseSeconds: number) =>
			gatewayTimeoutMs(settings, leaseSeconds) === null
				? `a lease of ${leaseSeconds} s is too short for ${settings.confirmAttempts} read-backs ${settings.confirmDelayMs} ms apart: ` +
					'a delivery must end within half the lease, or another process could post it again. Raise BANDITORE_LEASE_SECONDS (dispatch.leaseSeconds) or lower confirmAttempts.'
				: null,
		transport: (settings: D, options) => new GatewayTransport(settings, gatewayTimeoutMs(settings, options.leaseSeconds) ?? 1000),
	});
}

export const wahaKind = gatewayKind<typeof wahaSchema, WahaDelivery>('waha', wahaSchema);
export const evolutionKind = gatewayKind<typeof evolutionSchema, EvolutionDelivery>('evolution', evolutionSchema);
