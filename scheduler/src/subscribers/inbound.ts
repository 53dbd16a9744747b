// Messages citizens send to a subscriber channel's number (they reach the same webhook as statuses):
// each handled once, the conversation moved on, a reply sent. Numbers are hashed on arrival, stored
// only encrypted once consent is given, and never written to a log or the audit.
import type { Context } from '../context';
import { audit } from '../repo';
import { messageDigest, numberHash } from './crypto';
import { classify } from './keywords';
import { transition, type ReplyKey } from './machine';
import { normaliseNumber } from './number';
import { allowReply, sendReply } from './replies';
import { applyTransition, findSubscriber, stateOf, subscriberChannels, type SubscriberChannel } from './store';

export interface InboundMessage {
	id: string;
	from: string;
	/** Epoch seconds, as Meta sends it. */
	timestamp: number;
	/** The text, a button's text, or '' for media and anything else. */
	text: string;
	phoneNumberId: string | null;
}

/** Meta retries a failed delivery for up to 7 days: ids are remembered longer, older messages ignored. */
export const INBOUND_MEMORY_MS = 14 * 24 * 3600_000;

export function parseInbound(json: unknown): InboundMessage[] {
	const out: InboundMessage[] = [];
	const payload = json as { object?: unknown; entry?: unknown } | null;
	if (!payload || payload.object !== 'whatsapp_business_account' || !Array.isArray(payload.entry)) return out;
	for (const entry of payload.entry as Array<{ changes?: unknown }>) {
		for (const change of Array.isArray(entry?.changes) ? (entry.changes as Array<{ value?: Record<string, unknown> }>) : []) {
			const value = change?.value ?? {};
			const phoneNumberId = ((value.metadata ?? {}) as { phone_number_id?: unknown }).phone_number_id;
			for (const m of Array.isArray(value.messages) ? (value.messages as Array<Record<string, unknown>>) : []) {
				if (typeof m.id !== 'string' || typeof m.from !== 'string') continue;
				const text = (m.text as { body?: unknown } | undefined)?.body ?? (m.button as { text?: unknown } | undefined)?.text ?? '';
				out.push({ id: m.id, from: m.from, timestamp: Number(m.timestamp) || 0, text: typeof text === 'string' ? text : '', phoneNumberId: typeof phoneNumberId === 'string' ? phoneNumberId : null });
			}
		}
	}
	return out;
}

/** Handles every inbound message of a verified payload; returns how many were new. */
export async function receiveMessages(ctx: Context, json: unknown): Promise<number> {
	const keys = ctx.config.subscribers;
	const all = subscriberChannels(ctx);
	if (!keys || !all.length) return 0;
	let handled = 0;
	for (const message of parseInbound(json)) {
		const channels = all.filter((c) => c.settings.phoneNumberId === message.phoneNumberId);
		const number = normaliseNumber(message.from);
		const now = ctx.clock().getTime();
		if (!channels.length || !number || now - message.timestamp * 1000 > INBOUND_MEMORY_MS) continue;
		const hash = numberHash(keys, number);
		const intent = classify(message.text, channels.map((c) => ({ channel: c.id, keyword: c.settings.keyword })));
		const reply = await ctx.store.tx(async (q): Promise<{ channel: SubscriberChannel; key: ReplyKey } | 'replay' | null> => {
			// A replay (Meta's retry, or an attacker's copy of a signed body) changes nothing.
			if (!(await q.run('INSERT INTO subscriber_inbound (digest, at) VALUES (?, ?) ON CONFLICT DO NOTHING', [messageDigest(keys, message.id), now]))) return 'replay';
			const rows = await Promise.all(channels.map(async (c) => ({ channel: c, row: await findSubscriber(q, c.id, hash) })));
			const known = rows.filter((r) => r.row);
			let targets: SubscriberChannel[];
			if (intent.kind === 'stop') targets = channels;
			else if (intent.kind === 'signup') targets = channels.filter((c) => c.id === intent.channel);
			else if (intent.kind === 'confirm') {
				const pending = known.filter((r) => r.row?.state === 'pending').sort((a, b) => Number(b.row?.pending_since) - Number(a.row?.pending_since));
				targets = [(pending[0] ?? known[0] ?? rows[0]).channel];
			} else targets = [(known[0] ?? rows[0]).channel];
			let first: ReplyKey | null = null;
			for (const channel of targets) {
				const step = transition(stateOf(rows.find((r) => r.channel === channel)?.row), intent.kind, now);
				await applyTransition(q, keys, channel, hash, number, step, now);
				if (step.consent) await audit(q, now, { channel: channel.id, type: `subscriber.consent_${step.consent}`, actor: 'whatsapp', details: { policyVersion: channel.settings.policyVersion } });
				first ??= step.reply;
			}
			if (!first) return null;
			return (await allowReply(q, targets[0], hash, now)) ? { channel: targets[0], key: first } : null;
		});
		if (reply === 'replay') continue;
		handled++;
		if (!reply) continue;
		try {
			await sendReply(ctx, reply.channel, number, reply.key);
		} catch (error) {
			// The state already changed: a failed reply is noted (without the number), not retried.
			const code = (error as { graphCode?: number; code?: string }).graphCode ?? (error as { code?: string }).code ?? 'error';
			await audit(ctx.store, ctx.clock().getTime(), { channel: reply.channel.id, type: 'subscriber.reply_failed', actor: 'whatsapp', details: { reply: reply.key, code } });
		}
	}
	return handled;
}
