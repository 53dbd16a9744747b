// The two ways out: an e-mail over SMTP (nodemailer) to one address, and a JSON POST to a webhook
// (an n8n Webhook node, say). Each throws when the message was not taken.
import nodemailer from 'nodemailer';
import type { NotifyConfig } from '../config';

export interface Senders {
	email: ((to: string, subject: string, text: string) => Promise<void>) | null;
	webhook: ((payload: unknown) => Promise<void>) | null;
	close(): void;
}

const TIMEOUT_MS = 15_000;

export function createSenders(config: NotifyConfig | undefined): Senders {
	const smtp = config?.smtp ?? null;
	const mailer = smtp
		? nodemailer.createTransport({
				host: smtp.host,
				port: smtp.port,
				secure: smtp.secure,
				...(smtp.user ? { auth: { user: smtp.user, pass: smtp.pass ?? '' } } : {}),
				connectionTimeout: TIMEOUT_MS,
				greetingTimeout: TIMEOUT_MS,
				socketTimeout: TIMEOUT_MS,
			})
		: null;
	const url = config?.webhookUrl ?? null;
	return {
		email:
			mailer && smtp
				? async (to, subject, text) => {
						await mailer.sendMail({ from: smtp.from, to, subject, text, headers: { 'Auto-Submitted': 'auto-generated' } });
					}
				: null,
		webhook: url
			? async (payload) => {
					const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload), signal: AbortSignal.timeout(TIMEOUT_MS) });
					await response.body?.cancel();
					if (!response.ok) throw new Error(`the webhook ${url} answered HTTP ${response.status}`);
				}
			: null,
		close: () => mailer?.close(),
	};
}
