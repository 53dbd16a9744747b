// The outbox transport (the dry-run default): one JSON line per message in a file. Idempotent by
// message id: the file is checked before writing and after a crash, so a message is written once.
// A file that cannot be read or written (full disk, permissions, a folder in its place) is a known
// failure: nothing was delivered, and the dispatcher tries again up to maxAttempts.
import { t } from '../../../core/messages';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from '../../../core/vendor';
import type { Message } from '../model';
import { deliveryKind } from './kind';
import type { DeliveryResult, Transport } from './transport';

export class OutboxTransport implements Transport {
	readonly kind = 'outbox';
	constructor(readonly file: string) {
		mkdirSync(dirname(file), { recursive: true });
	}

	/** Ids already in the file (several processes may append to it: always read it again). */
	written(): Set<string> {
		const ids = new Set<string>();
		if (!existsSync(this.file)) return ids;
		for (const line of readFileSync(this.file, 'utf8').split('\n')) {
			if (!line.trim()) continue;
			try {
				const id = (JSON.parse(line) as { message?: { id?: string } }).message?.id;
				if (id) ids.add(id);
			} catch {
				// A line torn by a crash mid-write: its message was not delivered.
			}
		}
		return ids;
	}

	async deliver(message: Message): Promise<DeliveryResult> {
		const providerMessageId = `outbox:${message.id}`;
		try {
			if (this.written().has(message.id)) return { kind: 'sent', providerMessageId };
			const torn = existsSync(this.file) && !readFileSync(this.file, 'utf8').endsWith('\n') && readFileSync(this.file, 'utf8').length > 0;
			appendFileSync(this.file, `${torn ? '\n' : ''}${JSON.stringify({ message, deliveredAt: new Date().toISOString() })}\n`);
		} catch (error) {
			// A line cut short by the error does not parse: the message is not in the file, and the
			// next attempt reads the file again before writing, so it is never written twice.
			const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
			return { kind: 'notHandedOver', reason: t('scheduler.outbox.writeFailed', { file: this.file, code }), retry: true };
		}
		return { kind: 'sent', providerMessageId };
	}

	async recover(message: Message) {
		if (this.written().has(message.id)) return { sent: true as const, providerMessageId: `outbox:${message.id}` };
		return { sent: false as const, known: true };
	}
}

export type OutboxDelivery = { kind: 'outbox'; file: string };

export const outboxKind = deliveryKind({
	kind: 'outbox',
	schema: z.object({ kind: z.literal('outbox'), file: z.string().min(1).default('data/outbox.jsonl') }).strict(),
	direct: false,
	resolve: (written, at): OutboxDelivery => ({ kind: 'outbox', file: at.path(written.file) }),
	transport: (settings: OutboxDelivery) => new OutboxTransport(settings.file),
});
