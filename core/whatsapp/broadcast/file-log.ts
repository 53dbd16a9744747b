// A send log in a JSON-lines file, fsynced. Appends are group-committed: entries that arrive while a
// write+fsync is in progress go together in the next one, so a broadcast at 1,000 messages/s needs
// tens of fsyncs a second, not thousands, and each entry is still durable before its promise resolves.
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { replay, type LogEntry, type LogState, type SendLog } from './log';

export class FileSendLog implements SendLog {
	private handle: FileHandle | null = null;
	private pending: Array<{ line: string; done: () => void; fail: (error: unknown) => void }> = [];
	private flushing: Promise<void> | null = null;

	constructor(readonly path: string) {}

	async open(): Promise<LogState> {
		await mkdir(dirname(this.path), { recursive: true });
		let text = '';
		try {
			text = await readFile(this.path, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		}
		this.handle = await open(this.path, 'a');
		// A crash can leave the last line half written: it never reached fsync, so it never counted.
		if (text && !text.endsWith('\n')) await this.handle.write('\n');
		return replay(parseLines(text));
	}

	append(entry: LogEntry): Promise<void> {
		return new Promise((done, fail) => {
			this.pending.push({ line: `${JSON.stringify(entry)}\n`, done, fail });
			if (!this.flushing) this.flushing = this.flush();
		});
	}

	private async flush(): Promise<void> {
		while (this.pending.length) {
			const batch = this.pending;
			this.pending = [];
			try {
				if (!this.handle) throw new Error('The send log is not open');
				await this.handle.write(batch.map((item) => item.line).join(''));
				await this.handle.datasync();
				for (const item of batch) item.done();
			} catch (error) {
				for (const item of batch) item.fail(error);
			}
		}
		this.flushing = null;
	}

	async close(): Promise<void> {
		if (this.flushing) await this.flushing;
		await this.handle?.close();
		this.handle = null;
	}
}

function* parseLines(text: string): Generator<LogEntry> {
	for (const line of text.split('\n')) {
		if (!line.trim()) continue;
		try {
			yield JSON.parse(line) as LogEntry;
		} catch {
			// The torn tail of a crash: skipped (see open()).
		}
	}
}
