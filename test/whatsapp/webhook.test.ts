import { createHmac } from 'node:crypto';
import { callbackData, parseStatusWebhook, splitCallbackData, verifySignature } from '../../core/whatsapp/webhook';
import { statusPayload } from './fake-graph';

const SECRET = 'app-secret';
const sign = (raw: string | Buffer, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

describe('verifySignature', () => {
	const raw = Buffer.from(JSON.stringify(statusPayload('393331234567', 'wamid.1', 'b:k')).replace('"sent"', '"sent" '));

	it('accepts the HMAC of the raw bytes', () => {
		expect(verifySignature(raw, sign(raw), SECRET)).toBe(true);
		expect(verifySignature(raw.toString('utf8'), [sign(raw)], SECRET)).toBe(true);
	});

	it('rejects another secret, a changed body, a malformed or missing header', () => {
		expect(verifySignature(raw, sign(raw, 'other'), SECRET)).toBe(false);
		expect(verifySignature(Buffer.from(JSON.stringify(JSON.parse(raw.toString()))), sign(raw), SECRET)).toBe(false);
		expect(verifySignature(raw, sign(raw).replace('sha256=', 'sha1='), SECRET)).toBe(false);
		expect(verifySignature(raw, 'sha256=abc', SECRET)).toBe(false);
		expect(verifySignature(raw, undefined, SECRET)).toBe(false);
		expect(verifySignature(raw, sign(raw), '')).toBe(false);
	});
});

describe('parseStatusWebhook', () => {
	it('reads statuses with callback data and errors', () => {
		const payload = statusPayload('393331234567', 'wamid.9', 'bc-1:sub:7', 'failed') as { entry: Array<{ changes: Array<{ value: { statuses: Array<Record<string, unknown>> } }> }> };
		payload.entry[0].changes[0].value.statuses[0].errors = [{ code: 131026, title: 'Message undeliverable', error_data: { details: 'not on WhatsApp' } }];
		payload.entry[0].changes.push({ value: { messages: [{ from: '39', text: { body: 'ciao' } }] } } as never);
		const [event, ...rest] = parseStatusWebhook(payload);
		expect(rest).toEqual([]);
		expect(event).toMatchObject({ messageId: 'wamid.9', status: 'failed', callbackData: 'bc-1:sub:7', phoneNumberId: '1234567890', errors: [{ code: 131026, title: 'Message undeliverable', details: 'not on WhatsApp' }] });
		expect(splitCallbackData(event.callbackData!)).toEqual({ broadcastId: 'bc-1', key: 'sub:7' });
		expect(callbackData('bc-1', 'sub:7')).toBe('bc-1:sub:7');
	});

	it('ignores other objects and malformed payloads', () => {
		expect(parseStatusWebhook({ object: 'page', entry: [] })).toEqual([]);
		expect(parseStatusWebhook(null)).toEqual([]);
		expect(parseStatusWebhook({ object: 'whatsapp_business_account', entry: [{ changes: [{ value: { statuses: [{ id: 1 }] } }] }] })).toEqual([]);
	});
});
