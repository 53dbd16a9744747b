// The outbox transport (the dry-run default): one JSON line per message in a file. Idempotent by
// message id: the file is checked before writing and after a crash, so a message is written once.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Message } from '../model';
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
		if (this.written().has(message.id)) return { kind: 'sent', providerMessageId };
		const torn = existsSync(this.file) && !readFileSync(this.file, 'utf8').endsWith('\n') && readFileSync(this.file, 'utf8').length > 0;
		appendFileSync(this.file, `${torn ? '\n' : ''}${JSON.stringify({ message, deliveredAt: new Date().toISOString() })}\n`);
		return { kind: 'sent', providerMessageId };
	}

	async recover(message: Message) {
		if (this.written().has(message.id)) return { sent: true as const, providerMessageId: `outbox:${message.id}` };
		return { sent: false as const, known: true };
	}
}
