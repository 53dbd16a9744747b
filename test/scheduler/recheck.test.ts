// The rules judged again at the moment of sending, on a real SQLite file and the real PostgreSQL:
// whatever changed between enqueue and dispatch (a blocked word, an election period that starts or
// ends, a lower limit), nothing leaves under rules that no longer hold, and the audit log says why.
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { saveRules } from '../../scheduler/src/channels';
import { override } from '../../scheduler/src/queue';
import { judgedKey, recall } from '../../scheduler/src/judged';
import type { MessageRow } from '../../scheduler/src/model';
import { messages, outboxIds, skipPostgres, startHarness, type Harness, type Kind, type Msg, type QuotaPatch } from './helpers';

type Full = Msg & { text: string; category: string | null };
// A rules file as parsed YAML: the tests edit it freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Rec = Record<string, any>;
type AuditRow = { type: string; messageId: string | null; details: Record<string, unknown> };

// Monday 15 June 2026, 10:00 in Rome: no period of the built-in calendar binds Meda then.
const MONDAY = '2026-06-15T08:00:00.000Z';
const FOOTER = 'Canale informativo del Comune di Meda, non è possibile rispondere. Info: comunicazione.istituzionale@comune.medab.it';

const item = (slug: string, title: string, extra: Record<string, unknown> = {}) => ({
	id: `https://www.comune.meda.mb.it/novita/${slug}`,
	title,
	summary: '',
	link: `https://www.comune.meda.mb.it/novita/${slug}`,
	publishedAt: '2026-06-15T07:00:00.000Z',
	updatedAt: null,
	categories: [],
	image: null,
	source: { name: 'Comune di Meda', url: 'https://www.comune.meda.mb.it/feed/', kind: 'rss' },
	...extra,
});

describe.each<Kind>(['sqlite', 'postgres'])('send-time rules on %s', (kind) => {
	let skip = false;
	let h: Harness;
	beforeAll(async () => {
		skip = await skipPostgres(kind);
	});
	afterEach(async () => {
		await h?.close();
	});

	async function start(quota: QuotaPatch = {}): Promise<void> {
		h = await startHarness(kind, { at: MONDAY, quota });
	}

	/** The channel's rules changed as the admin page would: a new version, with its author. */
	async function changeRules(edit: (data: Rec) => void): Promise<void> {
		const ctx = h.scheduler.ctx;
		const data = parse(readFileSync(ctx.channels.get('meda')!.config.rules, 'utf8'));
		const current = parse(await currentSource());
		Object.assign(data, current);
		edit(data);
		const result = await saveRules(ctx, 'meda', stringify(data), 'redazione', null);
		expect(result).toMatchObject({ ok: true, changed: true });
	}

	async function currentSource(): Promise<string> {
		const row = await h.scheduler.ctx.store.get<{ source: string }>("SELECT source FROM rules_versions WHERE channel = 'meda' ORDER BY version DESC LIMIT 1");
		return row!.source;
	}

	const enqueue = async (body: unknown) => (await h.api<{ message: Full }>('POST', '/v1/channels/meda/messages', body)).body.message;
	const byKey = async (key: string): Promise<Full> => (await messages(h)).find((m) => m.dedupeKey === key) as Full;
	const audit = async (): Promise<AuditRow[]> => (await h.api<{ entries: AuditRow[] }>('GET', '/v1/audit?channel=meda&limit=500')).body.entries;

	test('a word blocked after enqueue stops the message at send time, with the reason in the audit log', async () => {
		if (skip) return;
		await start();
		const queued = await enqueue({ item: item('mercato', 'Mercato straordinario in piazza Cavour') });
		expect(queued.state).toBe('queued');
		await changeRules((data) => {
			data.blocked = [{ id: 'commerciale', words: ['mercato straordinario'] }, { id: 'elettorale' }, { id: 'politico' }];
		});
		await h.tick();
		const after = await byKey(queued.dedupeKey);
		expect(after.state).toBe('rejected');
		expect(after.reasons.join(' ')).toContain('Contenuto pubblicitario: contiene «Mercato straordinario»');
		expect(outboxIds(h.outbox)).toEqual([]);
		const row = (await audit()).find((a) => a.messageId === queued.id && a.type === 'message.rejected');
		expect(row?.details).toMatchObject({ recheck: true, codes: ['blocked.commerciale'], rulesVersion: 2 });
	});

	test('an election period that starts after enqueue stops events; notices still go out', async () => {
		if (skip) return;
		await start();
		const event = await enqueue({ item: item('concerto', 'Concerto della banda in piazza') });
		const notice = await enqueue({ item: item('strade', 'Avviso: chiusura al traffico di via Roma') });
		expect([event.state, notice.state]).toEqual(['queued', 'queued']);
		// The period starts at 11:30 Rome time, after both were queued; the dispatcher runs at 12:00.
		await changeRules((data) => {
			data.election.periods = [{ name: 'Elezioni comunali 2026', start: '2026-06-15 11:30', end: '2026-06-29 15:00' }];
		});
		h.set('2026-06-15T10:00:00.000Z');
		await h.tick();
		expect((await byKey(event.dedupeKey)).state).toBe('rejected');
		expect((await byKey(event.dedupeKey)).reasons.join(' ')).toContain('Periodo elettorale «Elezioni comunali 2026»: la categoria «Evento» non è ammessa');
		expect((await byKey(notice.dedupeKey)).state).toBe('sent');
		expect(outboxIds(h.outbox)).toEqual([notice.id]);
	});

	test('a period that is already there when the dispatcher runs, though not at enqueue, stops the message too', async () => {
		if (skip) return;
		await start();
		await changeRules((data) => {
			data.election.periods = [{ name: 'Referendum locale', start: '2026-06-15 14:00', end: '2026-06-16 23:00' }];
		});
		const news = await enqueue({ item: item('biblioteca', 'La biblioteca presenta i nuovi libri', { categories: ['Notizie'] }) });
		expect(news.state).toBe('queued');
		// No rules change in between: only the clock moved into the period.
		h.set('2026-06-15T12:30:00.000Z');
		await h.tick();
		const held = await byKey(news.dedupeKey);
		expect(held.state).toBe('held');
		expect(held.reasons.join(' ')).toContain('resta in attesa di verifica');
		// The period ends: the message the period alone was holding goes back in line and out.
		h.set('2026-06-16T21:30:00.000Z');
		await h.tick();
		expect((await byKey(news.dedupeKey)).state).toBe('sent');
		expect((await audit()).some((a) => a.messageId === news.id && a.type === 'message.released')).toBe(true);
	});

	test('a text queued a millisecond before a period starts is refused a slot at its first millisecond', async () => {
		if (skip) return;
		await start();
		await changeRules((data) => {
			data.election.periods = [{ name: 'Referendum locale', start: '2026-06-15 14:00', end: '2026-06-16 23:00' }];
		});
		// The decision made at enqueue is reused by the send-time check only while no boundary lies between.
		h.set('2026-06-15T11:59:59.998Z');
		for (const key of ['avviso-prima', 'avviso-soglia']) expect((await enqueue({ dedupeKey: key, text: 'Avviso: sportello anagrafe chiuso domani' })).state).toBe('queued');
		h.set('2026-06-15T11:59:59.999Z');
		// The stored row finds the enqueue's decision (the same key) until the boundary, and not at it.
		const row = (await h.scheduler.ctx.store.get<MessageRow>("SELECT * FROM messages WHERE dedupe_key = 'avviso-prima'"))!;
		const rules = h.scheduler.ctx.channels.get('meda')!.rules;
		expect(recall(judgedKey(row.item, row.text, row.settled), rules, h.now().getTime(), false)).not.toBeNull();
		expect(recall(judgedKey(row.item, row.text, row.settled), rules, Date.parse('2026-06-15T12:00:00.000Z'), false)).toBeNull();
		expect((await h.api('POST', '/v1/channels/meda/slots', { dedupeKey: 'avviso-prima' })).status).toBe(201);
		h.set('2026-06-15T12:00:00.000Z');
		const refused = await h.api<{ error: string; message: string }>('POST', '/v1/channels/meda/slots', { dedupeKey: 'avviso-soglia' });
		expect(refused).toMatchObject({ status: 409, body: { error: 'rules_refused' } });
		expect(refused.body.message).toContain('Referendum locale');
		expect((await byKey('avviso-soglia')).state).toBe('held');
	});

	test('a lower weekly limit holds from the next send', async () => {
		if (skip) return;
		await start({ perWeek: 10 });
		for (const n of [1, 2, 3]) await enqueue({ dedupeKey: `avviso-${n}`, text: `Avviso numero ${n}`, category: 'avviso' });
		await changeRules((data) => {
			data.quota.perWeek = 1;
		});
		await h.tick();
		const states = (await messages(h)).map((m) => m.state).sort();
		expect(states).toEqual(['deferred', 'deferred', 'sent']);
	});

	test('a digest whose part stops passing is not sent; its other parts go back in line', async () => {
		if (skip) return;
		await start({ perWeek: 1, digest: { enabled: true, maxPriority: 10 } } as QuotaPatch);
		for (const n of [1, 2, 3]) await enqueue({ item: item(`notizia-${n}`, `Notizia numero ${n} dal Comune`, { categories: ['Notizie'] }) });
		// The digest is made and claimed at the first pass: make the delivery fail so it waits for a retry.
		const ctx = h.scheduler.ctx;
		await h.tick();
		const digest = (await messages(h)).find((m) => m.dedupeKey.startsWith('riepilogo:')) as Full;
		expect(digest).toBeDefined();
		expect(digest.text.endsWith(FOOTER)).toBe(true);
		// Put the digest back in line as a retry would, then block one part's words.
		await ctx.store.run("UPDATE messages SET state = 'queued', counted = 0, claimed_at = NULL, lease_until = NULL WHERE id = ?", [digest.id]);
		await changeRules((data) => {
			data.blocked = [{ id: 'elettorale' }, { id: 'politico' }, { id: 'commerciale', words: ['notizia numero 2'] }];
		});
		await h.tick();
		expect((await byKey(digest.dedupeKey)).state).toBe('cancelled');
		await h.tick();
		const parts = await messages(h);
		expect(parts.find((m) => m.dedupeKey === item('notizia-2', '').id)?.state).toBe('rejected');
		expect(['deferred', 'queued', 'sent']).toContain(parts.find((m) => m.dedupeKey === item('notizia-1', '').id)?.state);
	});

	test('a slot is not given to a message the rules now stop, nor to a written text with a blocked word', async () => {
		if (skip) return;
		await start();
		const queued = await enqueue({ item: item('fiera', 'Fiera di primavera in centro') });
		await changeRules((data) => {
			data.blocked = [{ id: 'elettorale' }, { id: 'politico' }, { id: 'commerciale', words: ['fiera di primavera'] }];
		});
		const refused = await h.api<{ error: string; message: string }>('POST', '/v1/channels/meda/slots', { dedupeKey: queued.dedupeKey });
		expect(refused).toMatchObject({ status: 409, body: { error: 'rules_refused' } });
		expect(refused.body.message).toContain('Contenuto pubblicitario');
		expect((await byKey(queued.dedupeKey)).state).toBe('rejected');
		const written = await h.api('POST', '/v1/channels/meda/slots', { dedupeKey: 'a-mano', text: 'Votate la lista civica del sindaco' });
		expect(written).toMatchObject({ status: 409, body: { error: 'rules_refused' } });
		expect(await h.api('POST', '/v1/channels/meda/slots', { dedupeKey: 'a-mano-2', text: 'Chiusura al traffico di via Roma' })).toMatchObject({ status: 201 });
	});

	test('an emergency during a period goes out with the contact; a written one with a blocked word does not', async () => {
		if (skip) return;
		await start();
		await changeRules((data) => {
			data.election.periods = [{ name: 'Elezioni regionali', start: '2026-06-01', end: '2026-06-30 23:00' }];
		});
		const emergency = await enqueue({ dedupeKey: 'allerta', text: 'Esondazione del Tarò: evacuare i piani terra di via Po', emergency: true, justification: 'Esondazione in corso' });
		expect(emergency.state).toBe('queued');
		expect(emergency.text.endsWith(FOOTER)).toBe(true);
		const plain = await enqueue({ dedupeKey: 'a-mano', text: 'Il sindaco ringrazia i volontari' });
		expect(plain.state).toBe('held');
		const propaganda = await enqueue({ dedupeKey: 'propaganda', text: 'Votate la lista civica Meda Domani', emergency: true, justification: 'prova' });
		expect(propaganda.state).toBe('rejected');
		await h.tick();
		expect(outboxIds(h.outbox)).toEqual([emergency.id]);
	});

	test('the office approves what the rules hold and overrides what they reject; each once, audited', async () => {
		if (skip) return;
		await start();
		await changeRules((data) => {
			data.election.periods = [{ name: 'Elezioni europee', start: '2026-06-01', end: '2026-06-30 23:00' }];
		});
		const news = await enqueue({ item: item('notizia', 'La biblioteca presenta i nuovi libri', { categories: ['Notizie'] }) });
		const event = await enqueue({ item: item('concerto', 'Concerto della banda in piazza') });
		expect([news.state, event.state]).toEqual(['held', 'rejected']);
		expect(await h.api('POST', `/v1/messages/${event.id}/approve`)).toMatchObject({ status: 409, body: { error: 'invalid_state' } });
		expect(await h.api('POST', `/v1/messages/${news.id}/approve`, { note: 'informazione di servizio' })).toMatchObject({ status: 200, body: { message: { state: 'queued' } } });
		const ctx = h.scheduler.ctx;
		await expect(override(ctx, event.id, 'admin', '  ')).rejects.toMatchObject({ status: 422 });
		await override(ctx, event.id, 'admin', 'Concerto per le vittime dell’alluvione, deciso dalla Giunta');
		await h.tick();
		// Approved and overridden once: the send-time check does not hold them again for the same finding.
		expect((await byKey(news.dedupeKey)).state).toBe('sent');
		expect((await byKey(event.dedupeKey)).state).toBe('sent');
		const rows = await audit();
		expect(rows.find((a) => a.type === 'message.override')?.details).toMatchObject({ justification: 'Concerto per le vittime dell’alluvione, deciso dalla Giunta' });
	});
});
