// A due message to a channel's confirmed subscribers, through the broadcast engine of core/whatsapp.
//
// Crash choice: the send log is written before and after each request. After a crash the message is
// left `sending` and its lease ends as an unknown outcome (it keeps counting, a person decides). A
// retry runs the same broadcast again: those done are skipped; those in doubt are settled by the
// status webhooks when the message is a template (biz_opaque_callback_data), and otherwise never resent.
import { t } from '../../../core/messages';
import { broadcast, cloudBody, fitTemplateBody, sendCloud, type BroadcastReport, type CloudMessage, type Recipient, type StatusSource } from '../../../core/whatsapp';
import type { Context } from '../context';
import type { DeliveryResult } from '../delivery/transport';
import type { Message } from '../model';
import { audit } from '../repo';
import { lookupStatuses } from '../cloud-webhook';
import { decryptNumber } from './crypto';
import { cloudConfig } from './replies';
import { DbSendLog } from './send-log';
import { keysOf, removeOptedOut, type SubscriberChannel, type SubscriberRow } from './store';

const WINDOW_MS = 24 * 3600_000;

export async function broadcastMessage(ctx: Context, channel: SubscriberChannel, message: Message): Promise<DeliveryResult> {
	const keys = keysOf(ctx);
	const s = channel.settings;
	const now = ctx.clock().getTime();
	const rows = await ctx.store.all<SubscriberRow>("SELECT * FROM subscribers WHERE channel = ? AND state = 'confirmed' AND number_enc IS NOT NULL ORDER BY created_at, id", [channel.id]);
	// Without an approved template only those who wrote in the last 24 hours may get free text.
	const reachable = s.template ? rows : rows.filter((r) => r.last_inbound_at !== null && now - Number(r.last_inbound_at) < WINDOW_MS);
	const recipients: Recipient[] = reachable.map((r) => ({ key: r.id, to: decryptNumber(keys, r.number_enc as string, r.number_hash) }));
	const content: CloudMessage = s.template
		? { kind: 'template', name: s.template.name, language: s.template.language, body: fitTemplateBody([message.text], s.template.body) }
		: message.image
			? { kind: 'image', link: message.image, caption: message.text }
			: { kind: 'text', text: message.text };
	const config = cloudConfig(ctx, channel);
	const broadcastId = message.id.replace(/[^\w-]/g, '_');
	const report = await broadcast({
		broadcastId,
		recipients,
		log: new DbSendLog(ctx.store, broadcastId),
		rate: s.rate,
		// Only templates carry callback data, so only their statuses can settle a send in doubt.
		statuses: content.kind === 'template' ? statusSource(ctx) : undefined,
		send: (recipient, callbackData) => sendCloud(config, cloudBody(recipient.to, content, content.kind === 'template' ? callbackData : undefined)),
	});
	const optedOut = await ctx.store.all<{ subscriber_id: string }>('SELECT DISTINCT subscriber_id FROM subscriber_sends WHERE broadcast_id = ? AND code = 131050', [broadcastId]);
	const at = ctx.clock().getTime();
	await ctx.store.tx(async (q) => {
		const removed = await removeOptedOut(q, ctx, optedOut.map((r) => r.subscriber_id), at);
		await audit(q, at, { channel: channel.id, type: 'subscribers.broadcast', messageId: message.id, actor: 'dispatcher', details: { ...summary(report), outsideWindow: rows.length - reachable.length, removed } });
	});
	return result(report);
}

function statusSource(ctx: Context): StatusSource {
	return { lookup: async (broadcastId, keys) => new Map(Object.entries(await lookupStatuses(ctx, broadcastId, keys))) };
}

function summary(r: BroadcastReport) {
	return { total: r.total, sent: r.sent, alreadyDone: r.alreadyDone, reconciled: r.reconciled, unreachable: r.unreachable, optedOut: r.optedOut, failed: r.failed, unknown: r.unknown, inDoubt: r.inDoubt, notTried: r.notTried, stopped: r.stopped?.code ?? null };
}

function result(r: BroadcastReport): DeliveryResult {
	if (!r.stopped && r.failed === 0 && r.notTried === 0 && r.inDoubt === 0) return { kind: 'sent', providerMessageId: `subscribers:${r.broadcastId}` };
	const reached = r.sent + r.alreadyDone > 0;
	if (r.stopped) {
		const reason = t('scheduler.subscribers.stopped', { detail: r.stopped.message });
		// Some got it: it stays in flight and counting until a person looks (see the crash choice above).
		return reached ? { kind: 'unknown', reason } : { kind: 'notHandedOver', reason, retry: false };
	}
	// The next run continues from the send log: the rest are tried, nobody twice.
	return { kind: 'notHandedOver', reason: t('scheduler.subscribers.left', { left: r.failed + r.notTried + r.inDoubt, total: r.total }), retry: true };
}
