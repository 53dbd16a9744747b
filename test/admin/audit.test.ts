// The audit log as the office reads it, on a real SQLite file and on PostgreSQL: every event type by its
// Italian name, a filter by type from a list, details as sentences with a link to the message's history,
// an emergency's justification once, and no machine code on the page; the CSV keeps the codes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventName, knownEvent } from '../../scheduler/src/admin/audit-text';
import { enqueue } from '../../scheduler/src/queue';
import { skipPostgres, type Kind } from '../scheduler/helpers';
import { Client, startAdmin, visible, type AdminHarness } from './helpers';

const NOW = '2026-06-10T08:00:00Z';

describe.each<Kind>(['sqlite', 'postgres'])('audit log for people on %s', (kind) => {
	let h: AdminHarness;
	let skip = false;
	const ctx = () => h.scheduler.ctx;

	beforeAll(async () => {
		skip = await skipPostgres(kind);
		if (skip) return;
		h = await startAdmin(kind, NOW, 8);
		await enqueue(
			ctx(),
			'meda',
			{
				item: {
					id: 'https://www.comune.meda.mb.it/novita/acqua',
					title: 'Interruzione acqua in via Roma',
					summary: "Lavori sulla rete idrica: giovedì dalle 8 alle 12 manca l'acqua.",
					link: 'https://www.comune.meda.mb.it/novita/acqua',
					publishedAt: '2026-06-10T07:00:00.000Z',
					updatedAt: null,
					categories: ['Avvisi'],
					image: null,
					source: { name: 'Comune di Meda', url: 'https://www.comune.meda.mb.it/feed/', kind: 'rss' },
				},
			},
			'n8n',
		);
		await enqueue(ctx(), 'meda', { dedupeKey: 'gas', text: '*Fuga di gas* in via Roma: evitare la zona.', emergency: true, justification: 'Segnalazione dei Vigili del Fuoco' }, 'admin:ufficio');
		// The emergency goes out: dispatch writes its override entry.
		await h.scheduler.dispatcher.tick();
	});
	afterAll(async () => {
		if (!skip) await h.close();
	});

	test('each entry reads as a sentence in Italian, with the message it is about; no internal code is shown', async () => {
		if (skip) return;
		const c = new Client(() => h.scheduler.url);
		await c.login();
		const page = await c.get('/admin/audit');
		expect(page.status).toBe(200);
		const text = visible(page.text);
		expect(text).toContain('Accodato: «Interruzione acqua in via Roma», categoria Avviso, priorità normale.');
		expect(text).toContain('Accesso alla pagina di amministrazione (amministrazione).');
		expect(text).toContain('Inviato: «Fuga di gas in via Roma: evitare la zona.».');
		// The emergency's justification once, not "Motivazione: X — justification: X".
		const emergency = text.match(/Emergenza in invio: [^]*?Motivazione: Segnalazione dei Vigili del Fuoco\./);
		expect(emergency?.[0]).toBe('Emergenza in invio: «Fuga di gas in via Roma: evitare la zona.», fuori dal limite settimanale. Motivazione: Segnalazione dei Vigili del Fuoco.');
		expect(text.split('Segnalazione dei Vigili del Fuoco').length - 1).toBe(1);
		// The authors by name; the scheduler's own parts by what they are.
		expect(text).toContain('Banditore (invio automatico)');
		expect(text).not.toContain('admin:ufficio');
		// No machine code anywhere on the page: not the types, not the detail keys.
		const types = (await ctx().store.all<{ type: string }>('SELECT DISTINCT type FROM audit')).map((r) => r.type);
		expect(types).toEqual(expect.arrayContaining(['message.enqueued', 'emergency.override', 'message.sending', 'message.sent', 'admin.login', 'rules.changed']));
		for (const type of types) expect(text).not.toContain(type);
		for (const key of ['dedupeKey', 'justification:', 'priority:', 'reasons:', 'counted', 'state:']) expect(text).not.toContain(key);
	});

	test('the type filter is a list of Italian names; each message links to its own history', async () => {
		if (skip) return;
		const c = new Client(() => h.scheduler.url);
		await c.login();
		const page = await c.get('/admin/audit');
		const select = page.text.match(/<select id="f-type" name="type">([\s\S]*?)<\/select>/)?.[1] ?? '';
		expect(select).toContain('<option value="message.enqueued">Accodato</option>');
		expect(select).toContain('<option value="emergency.override">Emergenza</option>');
		expect(select).toContain('<option value="">Tutti i tipi</option>');

		const enqueued = await c.get('/admin/audit?type=message.enqueued');
		const rows = [...enqueued.text.matchAll(/<tr><td>[\s\S]*?<\/tr>/g)].map((m) => visible(m[0]));
		expect(rows).toHaveLength(2);
		expect(enqueued.text).toContain('<option value="message.enqueued" selected>Accodato</option>');

		const id = (await ctx().store.get<{ id: string }>("SELECT id FROM messages WHERE dedupe_key = 'gas'"))?.id as string;
		expect(enqueued.text).toContain(`href="/admin/audit?message=${id}"`);
		const history = await c.get(`/admin/audit?message=${id}`);
		expect(history.status).toBe(200);
		const text = visible(history.text);
		expect(text).toContain('Storia del messaggio «Fuga di gas in via Roma: evitare la zona.»');
		expect(text).toContain('Stato attuale: inviato.');
		const events = [...history.text.matchAll(/<tr><td>[^<]*<\/td><td>[^<]*<\/td><td>([^<]*)<\/td>/g)].map((m) => m[1]);
		expect(events).toEqual(['Inviato', 'Emergenza', 'In invio', 'Accodato']);

		const unknown = await c.get('/admin/audit?message=nessuno');
		expect(unknown.status).toBe(200);
		expect(visible(unknown.text)).toContain('Il messaggio non esiste più');
	});

	test('the CSV keeps the machine code and the recorded data for auditors, next to the sentence', async () => {
		if (skip) return;
		const c = new Client(() => h.scheduler.url);
		await c.login();
		const csv = await c.raw('/admin/audit.csv?type=emergency.override');
		expect(csv.status).toBe(200);
		const lines = Buffer.from(await csv.arrayBuffer()).toString('utf8').slice(1).split('\r\n');
		expect(lines[0]).toBe('Data e ora;id;Canale;Tipo;Autore;Messaggio;Dettagli;Codice evento;Dati registrati (JSON)');
		expect(lines).toHaveLength(3);
		const cells = lines[1].split(';');
		expect(cells.slice(2, 5)).toEqual(['Comune di Meda', 'Emergenza', 'dispatcher']);
		expect(lines[1]).toContain(';emergency.override;');
		expect(lines[1]).toContain('""justification"":""Segnalazione dei Vigili del Fuoco""');
	});
});

describe('event names', () => {
	/** Every event type the scheduler writes, read from its sources: a literal `type: '…'`, and the two built ones. */
	function writtenTypes(): string[] {
		const root = join(__dirname, '..', '..', 'scheduler', 'src');
		const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(root, f), 'utf8'));
		const literal = /type: '((?:message|emergency|channel|rules|slot|digest|admin|subscribers?|webhook|opinion)\.[a-z_.]+)'/g;
		const mapped = /: '((?:message)\.[a-z_]+)'/g;
		const found = new Set<string>();
		for (const text of files) {
			for (const m of text.matchAll(literal)) found.add(m[1]);
			for (const line of text.split('\n').filter((l) => l.includes('AUDIT_TYPE'))) for (const m of line.matchAll(mapped)) found.add(m[1]);
		}
		for (const outcome of ['created', 'updated']) found.add(`admin.user.${outcome}`);
		for (const consent of ['given', 'withdrawn']) found.add(`subscriber.consent_${consent}`);
		return [...found].sort();
	}

	test('every event type the scheduler writes has an Italian name', () => {
		const types = writtenTypes();
		expect(types.length).toBeGreaterThan(40);
		expect(types.filter((type) => !knownEvent(type))).toEqual([]);
		expect(eventName('message.enqueued')).toBe('Accodato');
		expect(eventName('qualcosa.di.nuovo')).toBe('Altro evento');
	});
});
