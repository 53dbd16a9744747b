// The dry run: what would be sent, exactly as it would look, appended to a JSON-lines file.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface OutboxRecord {
	at: string;
	/** Where it would have gone: a chat id, or "subscribers". */
	target: string;
	text: string;
	image: string | null;
	/** Characters (code points) and the limit of where the text goes. */
	length: number;
	limit: number;
	[key: string]: unknown;
}

export async function writeOutbox(path: string, record: OutboxRecord): Promise<void> {
	await mkdir(dirname(path), { recursive: true });
	await appendFile(path, `${JSON.stringify(record)}\n`, 'utf8');
}
