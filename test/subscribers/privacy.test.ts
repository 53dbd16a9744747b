// What is kept about a person, and nothing more: no number in clear in any table, in the SQLite file
// or its write-ahead log; GDPR export and erasure; key rotation and re-encryption; the retention purge.
import { numberHash, parseSubscriberKeys } from '../../scheduler/src/subscribers/crypto';
import { freshDatabase, manual, skipPostgres, tempDir, type Kind } from '../scheduler/helpers';
import { CITIZENS, dumpTables, key, national, realisticWamid, sign, sqliteBytes, startSubscriberHarness, subscribeAll } from './harness';

const [ANNA, BRUNO, CARLA] = CITIZENS;

/** Every way a number can be written, for the checks below, and the base64 inside Meta's message ids. */
const forms = (n: string) => [n, `+${n}`, `00${n}`, national(n), `${national(n).slice(0, 3)} ${national(n).slice(3)}`, Buffer.from(n).toString('base64')];

describe.each<Kind>(['sqlite', 'postgres'])('subscriber data on %s', (kind) => {
	let skip = false;
	beforeAll(async () => {
		skip = await skipPostgres(kind);
	});

	it('keeps no phone number in clear anywhere in the database after a full run', async () => {
		if (skip) return; // skipPostgres said why; with CI set it fails instead
		const h = await startSubscriberHarness(kind);
		try {
			await subscribeAll(h, [ANNA, BRUNO]);
			await h.inbound(CARLA, 'ISCRIVIMI');
			await h.inbound(BRUNO, 'Che orari ha l’anagrafe?');
			await h.api('POST', '/v1/channels/magenta/messages', manual(1, { text: 'Avviso alla cittadinanza' }));
			await h.scheduler.dispatcher.tick();
			// A delivery status with a real-looking id (it embeds Bruno's number).
			const [bruno] = await h.scheduler.ctx.store.all<{ id: string }>("SELECT id FROM subscribers WHERE state = 'confirmed' AND number_hash = ?", [numberHash(h.keys, BRUNO)]);
			const status = JSON.stringify({
				object: 'whatsapp_business_account',
				entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1234567890' }, statuses: [{ id: realisticWamid(BRUNO), status: 'read', timestamp: '1772442100', recipient_id: BRUNO, biz_opaque_callback_data: `m1:${bruno.id}` }] } }] }],
			});
			expect(await (await h.post(status, sign(status))).json()).toEqual({ recorded: 1 });
			await h.inbound(ANNA, 'STOP');
			expect(h.graph.bodies.filter((b) => b.type === 'template')).toHaveLength(2);
			const tables = await dumpTables(h.db);
			expect(Object.keys(tables)).toEqual(expect.arrayContaining(['subscribers', 'subscriber_consents', 'subscriber_sends', 'subscriber_replies', 'subscriber_inbound', 'whatsapp_statuses', 'audit']));
			expect(tables.subscribers).toMatch(/confirmed/);
			const text = Object.values(tables).join('\n');
			for (const n of CITIZENS) for (const form of forms(n)) expect(text).not.toContain(form);
			const bytes = sqliteBytes(h.db);
			if (bytes) for (const n of CITIZENS) for (const form of forms(n)) expect(bytes.includes(Buffer.from(form))).toBe(false);
		} finally {
			await h.close();
		}
	});

	it('exports everything held about one person, and erasure removes it from every table', async () => {
		if (skip) return; // skipPostgres said why; with CI set it fails instead
		const h = await startSubscriberHarness(kind);
		try {
			await subscribeAll(h, [ANNA, BRUNO]);
			await h.inbound(ANNA, 'Buongiorno');
			await h.api('POST', '/v1/channels/magenta/messages', manual(1));
			await h.scheduler.dispatcher.tick();
			const exported = await h.api<Record<string, unknown>>('POST', '/v1/subscribers/export', { number: '+39 347 123 4567' });
			expect(exported.status).toBe(200);
			expect(exported.body).toEqual(
				expect.objectContaining({
					number: `+${ANNA}`,
					subscriptions: [expect.objectContaining({ channel: 'magenta', state: 'confirmed', confirmedAt: '2026-03-02T09:00:00.000Z', numberStored: true, id: expect.stringMatching(/^…[0-9a-f]{4}$/) })],
					consents: [{ channel: 'magenta', event: 'given', policyVersion: '2024-03', at: '2026-03-02T09:00:00.000Z' }],
					messages: expect.arrayContaining([expect.objectContaining({ event: 'intent' }), expect.objectContaining({ event: 'sent' })]),
					deliveryStatuses: [expect.objectContaining({ status: 'sent' })],
					automaticReplies: [expect.objectContaining({ channel: 'magenta', count: 3 })],
				}),
			);
			expect(JSON.stringify(exported.body)).not.toContain(BRUNO.slice(2));

			const [anna] = await h.scheduler.ctx.store.all<{ id: string; number_hash: string }>('SELECT id, number_hash FROM subscribers WHERE number_hash = ?', [numberHash(h.keys, ANNA)]);
			const erased = await h.api<{ deleted: Record<string, number> }>('POST', '/v1/subscribers/delete', { number: `00${ANNA}`, channel: 'magenta' });
			expect(erased.body.deleted).toEqual({ deliveryStatuses: 1, sends: 2, subscribers: 1, consents: 1, replies: 1 });
			const tables = await dumpTables(h.db);
			for (const [table, rows] of Object.entries(tables)) {
				expect([table, rows.includes(anna.id)]).toEqual([table, false]);
				expect([table, rows.includes(anna.number_hash)]).toEqual([table, false]);
			}
			// Bruno is untouched.
			expect(tables.subscribers).toContain(numberHash(h.keys, BRUNO));
			const again = await h.api('POST', '/v1/subscribers/export', { number: ANNA });
			expect(again.body).toEqual(expect.objectContaining({ subscriptions: [], consents: [], messages: [], automaticReplies: [] }));
			expect((await h.api('POST', '/v1/subscribers/export', { number: 'abc123' })).body).toEqual(expect.objectContaining({ error: 'invalid_number' }));
		} finally {
			await h.close();
		}
	});

	it('reads old rows after a key rotation, and the re-encryption moves them to the new key', async () => {
		if (skip) return; // skipPostgres said why; with CI set it fails instead
		const dir = tempDir();
		const db = await freshDatabase(kind, dir);
		const hash = key();
		const old = `k1:${key()}`;
		const first = await startSubscriberHarness(kind, { db, keys: parseSubscriberKeys(old, hash) });
		await subscribeAll(first, [ANNA, BRUNO]);
		await first.close();

		const rotated = await startSubscriberHarness(kind, { db, keys: parseSubscriberKeys(`k2:${key()},${old}`, hash) });
		try {
			const keyIds = () => rotated.scheduler.ctx.store.all<{ key_id: string }>('SELECT key_id FROM subscribers ORDER BY key_id');
			expect(await keyIds()).toEqual([{ key_id: 'k1' }, { key_id: 'k1' }]);
			await subscribeAll(rotated, [CARLA]);
			await rotated.api('POST', '/v1/channels/magenta/messages', manual(1));
			await rotated.scheduler.dispatcher.tick();
			expect(rotated.graph.bodies.filter((b) => b.type === 'template').map((b) => b.to).sort()).toEqual([...CITIZENS].sort());
			const result = await rotated.api('POST', '/v1/subscribers/reencrypt');
			expect(result.body).toEqual({ reencrypted: 2, key: 'k2' });
			expect(await keyIds()).toEqual([{ key_id: 'k2' }, { key_id: 'k2' }, { key_id: 'k2' }]);
		} finally {
			await rotated.close();
		}

		// Without the old key the rows moved are still readable.
		const last = await startSubscriberHarness(kind, { db, keys: parseSubscriberKeys(`k2:${rotated.keys.keys[0].key.toString('base64')}`, hash) });
		try {
			await last.api('POST', '/v1/channels/magenta/messages', manual(2));
			await last.scheduler.dispatcher.tick();
			expect(last.graph.bodies.filter((b) => b.type === 'template')).toHaveLength(3);
		} finally {
			await last.close();
			await db.drop();
		}
	});

	it('purges consent records past the retention of people who left, and keeps those of subscribers', async () => {
		if (skip) return; // skipPostgres said why; with CI set it fails instead
		const h = await startSubscriberHarness(kind);
		try {
			await subscribeAll(h, [ANNA, BRUNO]);
			await h.inbound(ANNA, 'STOP');
			await h.inbound(CARLA, 'ISCRIVIMI');
			const events = () => h.scheduler.ctx.store.all<{ event: string }>('SELECT event FROM subscriber_consents ORDER BY id');
			expect(await events()).toHaveLength(3);
			h.set('2026-06-01T09:00:00Z');
			expect((await h.api<{ deleted: Record<string, number> }>('POST', '/v1/subscribers/purge')).body.deleted).toEqual(expect.objectContaining({ consents: 0, pending: 1 }));
			// 365 days of retention in this channel.
			h.set('2027-03-03T09:00:00Z');
			const purged = await h.api<{ deleted: Record<string, number> }>('POST', '/v1/subscribers/purge');
			expect(purged.body.deleted).toEqual(expect.objectContaining({ consents: 2 }));
			expect(await events()).toEqual([{ event: 'given' }]);
		} finally {
			await h.close();
		}
	});
});
