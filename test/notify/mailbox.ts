// A real SMTP server on 127.0.0.1 (smtp-server) that keeps every e-mail it accepts, parsed
// (mailparser): who it was for, the subject and the text as a person reads them.
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Mail {
	to: string[];
	from: string;
	subject: string;
	text: string;
	headers: Map<string, unknown>;
}

export interface Mailbox {
	port: number;
	/** Every e-mail received so far. */
	all: Mail[];
	/** The e-mails received since the last call. */
	take(): Mail[];
	/** Answer every e-mail with a temporary failure (451) while true. */
	refuse: boolean;
	close(): Promise<void>;
}

export async function startMailbox(): Promise<Mailbox> {
	const all: Mail[] = [];
	let seen = 0;
	const box = { refuse: false };
	const server = new SMTPServer({
		disabledCommands: ['STARTTLS', 'AUTH'],
		authOptional: true,
		logger: false,
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			stream.on('end', () => {
				if (box.refuse) {
					callback(Object.assign(new Error('mailbox busy, try later'), { responseCode: 451 }));
					return;
				}
				simpleParser(Buffer.concat(chunks)).then(
					(parsed) => {
						all.push({
							to: session.envelope.rcptTo.map((r) => r.address),
							from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
							subject: parsed.subject ?? '',
							text: parsed.text ?? '',
							headers: parsed.headers as Map<string, unknown>,
						});
						callback();
					},
					(error: Error) => callback(error),
				);
			});
		},
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.server.address() as AddressInfo).port;
	return Object.assign(box, {
		port,
		all,
		take: () => {
			const fresh = all.slice(seen);
			seen = all.length;
			return fresh;
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	});
}
