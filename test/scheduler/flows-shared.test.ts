// n8n flow registrations live in the database: a flow registered through one scheduler process (the
// Scheduler Trigger calls whichever one the proxy picks) delivers for every process from its next
// refresh (every 10 s), and one removed stops delivering for all of them the same way.
import { registerWebhook, removeWebhook } from '../../scheduler/src/n8n-flows';
import { databasePerTest, type Kind } from './helpers';

const AT = new Date('2026-05-12T09:00:00Z');
const FLOW = 'http://127.0.0.1:5678/webhook/consegna/banditore';

describe.each<Kind>(['sqlite', 'postgres'])('n8n flows shared by several processes on %s', (kind) => {
	const shared = databasePerTest(kind);

	test('a flow registered through one process delivers for the other from its next refresh; a removal too', async () => {
		if (shared.skipped()) return;
		const [a, b] = await shared.two({}, () => AT);
		expect(b.ctx.transports.kind('meda')).toBe('outbox');

		const flow = await registerWebhook(a.ctx, { url: FLOW, channels: ['meda'] }, 'test');
		expect(a.ctx.transports.kind('meda')).toBe('webhook');
		expect(b.ctx.transports.kind('meda')).toBe('outbox');
		await b.ctx.transports.refresh();
		expect(b.ctx.transports.kind('meda')).toBe('webhook');

		await removeWebhook(a.ctx, flow.id, 'test');
		expect(a.ctx.transports.kind('meda')).toBe('outbox');
		await b.ctx.transports.refresh();
		expect(b.ctx.transports.kind('meda')).toBe('outbox');
	});
});
