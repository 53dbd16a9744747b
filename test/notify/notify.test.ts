// Notifications to the office against a real SMTP server (smtp-server on 127.0.0.1), on a real SQLite
// file and on PostgreSQL: each event that needs a person sends one e-mail, in Italian, to each user who
// chose its kind and to nobody else, never with a phone number; nothing twice after a restart or from
// two processes at once, nothing lost across a restart. Events come from the real code paths: a held
// item, a gateway that refuses (fake WAHA on 127.0.0.1), an outcome in doubt, a read-back that fails
// after a crash, an election period starting tomorrow, the weekly summary, and a rules file that does
// not load.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Config } from '../../scheduler/src/config';
import { saveUser } from '../../scheduler/src/admin/users';
import { startScheduler, type Scheduler } from '../../scheduler/src/index';
import { savePrefs } from '../../scheduler/src/notify/prefs';
import { enqueue } from '../../scheduler/src/queue';
import { ADMIN, Client } from '../admin/helpers';
import { freshDatabase, skipPostgres, tempDir, testClock, testConfig, type Kind, type TestClock, type TestDatabase } from '../scheduler/helpers';
import { startFakeGateway, type FakeGateway } from '../whatsapp/gateway-fake';
import { startMailbox, type Mail, type Mailbox } from './mailbox';

const T0 = '2026-06-10T08:00:00Z';
const PHONE = '+39 333 123 4567';
const PHONE_DIGITS = '3331234567';
const ALICE = 'alice@comune.example.it';
const BOB = 'bob@comune.example.it';
const CAROL = 'carol@comune.example.it';
const PASSWORD = 'una-password-lunga';

/** Meda's rules without the built-in calendar (its votes must not fire here), with a local period from the 13th. */
function rules(dir: string, name: string): string {
	const data = parse(readFileSync(join(__dirname, '..', '..', 'rules', 'meda.yaml'), 'utf8'));
	data.quota = { perWeek: 10, week: 'iso', emergenciesExempt: true, minSpacingMinutes: 0, pacing: false };
	// News waits for the office (the category needs approval).
	for (const c of data.categories) if (c.id === 'notizia') c.approval = true;
	data.election = { ...data.election, calendar: false, periods: [{ name: 'Referendum comunale', start: '2026-06-13', end: '2026-06-20' }] };
	const file = join(dir, `${name}.yaml`);
	writeFileSync(file, stringify(data));
	return file;
}

const heldItem = (id: string, title: string, publishedAt = '2026-06-10T07:30:00.000Z') => ({
	id: `https://www.comune.meda.mb.it/notizie/${id}`,
	title,
	summary: 'Da lunedì in biblioteca civica i libri del nuovo anno.',
	link: `https://www.comune.meda.mb.it/notizie/${id}`,
	publishedAt,
	updatedAt: null,
	categories: ['Notizie'],
	image: null,
	source: { name: 'Comune di Meda', url: 'https://www.comune.meda.mb.it/feed/', kind: 'rss' as const },
});

/** Every e-mail is Italian, names no phone number, and says where to change what one receives. */
function checkMail(mail: Mail): void {
	expect(mail.text).not.toContain(PHONE);
	expect(mail.text.replace(/\D/g, '')).not.toContain(PHONE_DIGITS);
	expect(mail.subject.replace(/\D/g, '')).not.toContain(PHONE_DIGITS);
	// Nothing that looks like a phone number (nine digits or more) outside the links (ids, the server's address).
	const numbers = mail.text.replace(/https?:\/\/\S+/g, '').match(/\+?\d[\d\s.-]{7,}\d/g) ?? [];
	expect(numbers.filter((n) => n.replace(/\D/g, '').length >= 9)).toEqual([]);
	expect(mail.text).toContain('Ricevi questa e-mail perché');
	expect(mail.from).toBe('banditore@comune.example.it');
}

/** Who received the e-mails, one entry each. */
const recipientsOf = (mails: Mail[]): string[] => mails.flatMap((m) => m.to).sort();

describe.each<Kind>(['sqlite', 'postgres'])('notifications by e-mail (%s)', (kind) => {
	let skip = false;
	let db: TestDatabase;
	let dir: string;
	let mailbox: Mailbox;
	let gateway: FakeGateway;
	let clock: TestClock;
	let config: Config;
	let s: Scheduler;
	const ctx = () => s.ctx;
	/** One pass of the notifier, then what arrived. */
	const notified = async (): Promise<Mail[]> => {
		await s.notifier.tick();
		const mails = mailbox.take();
		mails.forEach(checkMail);
		return mails;
	};
	const later = (seconds: number) => clock.set(new Date(clock.now().getTime() + seconds * 1000).toISOString());

	beforeAll(async () => {
		skip = await skipPostgres(kind);
		if (skip) return;
		dir = tempDir();
		db = await freshDatabase(kind, dir);
		mailbox = await startMailbox();
		gateway = await startFakeGateway('waha');
		clock = testClock(T0);
		const meda = { id: 'meda', name: 'Comune di Meda', rules: rules(dir, 'meda'), delivery: { kind: 'outbox' as const, file: join(dir, 'outbox.jsonl') } };
		const waha = {
			id: 'gw',
			name: 'Canale WhatsApp',
			rules: rules(dir, 'gw'),
			delivery: { kind: 'waha' as const, session: 'default', baseUrl: gateway.url, chatId: '120363012345678901@newsletter', apiKey: 'secret-key', confirmAttempts: 1, confirmDelayMs: 0 },
		};
		config = testConfig(db.database, meda, {
			channels: [meda, waha],
			admin: { user: ADMIN.user, password: ADMIN.password, sessionHours: 8 },
			notify: { smtp: { host: '127.0.0.1', port: mailbox.port, secure: false, user: null, pass: null, from: 'Banditore <banditore@comune.example.it>' }, webhookUrl: null, intervalMs: 1000 },
		});
		s = await startScheduler(config, { clock: clock.now, dispatch: false });
		const now = clock.now().getTime();
		for (const name of ['alice', 'bob', 'carol', 'dave']) await saveUser(ctx().store, name, name === 'alice' ? 'administrator' : 'editor', PASSWORD, 'test', now);
		// Bob wants held items only; Carol gave her address and chose nothing; Dave gave nothing.
		await savePrefs(ctx().store, 'bob', { email: BOB, kinds: ['held'] }, now);
		await savePrefs(ctx().store, 'carol', { email: CAROL, kinds: [] }, now);
		// The first pass: nothing happened yet (the weekly summary only notes the week).
		expect(await notified()).toEqual([]);
	}, 60_000);

	afterAll(async () => {
		if (skip) return;
		await s?.close();
		await gateway?.close().catch(() => undefined);
		await mailbox?.close();
		await db?.drop();
	});

	test('each user chooses on the admin page: a wrong address is refused in Italian, the choice is kept', async () => {
		if (skip) return;
		const alice = new Client(() => s.url);
		expect((await alice.login('alice', PASSWORD)).status).toBe(303);
		const page = await alice.get('/admin/notifications');
		expect(page.status).toBe(200);
		expect(page.text).toContain('Le mie notifiche');
		expect(page.text).not.toContain('id="no-smtp"');
		const csrf = Client.csrf(page);
		const all = { 'kind-held': 'on', 'kind-doubt': 'on', 'kind-failed': 'on', 'kind-gateway': 'on', 'kind-election': 'on', 'kind-rules': 'on', 'kind-weekly': 'on' };
		const bad = await alice.post('/admin/notifications', { _csrf: csrf, email: 'alice at comune', ...all });
		expect(bad.status).toBe(422);
		expect(bad.text).toContain('Scrivi un indirizzo e-mail valido');
		const nul = await alice.post('/admin/notifications', { _csrf: csrf, email: `alice\u0000@comune.example.it`, ...all });
		expect(nul.status).toBe(400); // every admin form refuses NUL before it is read
		const none = await alice.post('/admin/notifications', { _csrf: csrf, email: '', 'kind-held': 'on' });
		expect(none.status).toBe(422);
		expect(none.text).toContain('scrivi il tuo indirizzo');
		const saved = await alice.post('/admin/notifications', { _csrf: csrf, email: ALICE, ...all });
		expect(saved.status).toBe(200);
		expect(saved.text).toContain('Notifiche salvate.');
		const again = await alice.get('/admin/notifications');
		expect(again.text).toContain(`value="${ALICE}"`);
		expect((again.text.match(/type="checkbox"[^>]* checked/g) ?? []).length).toBe(7);
		// An editor chooses for themselves too, and sees what they chose.
		const bob = new Client(() => s.url);
		expect((await bob.login('bob', PASSWORD)).status).toBe(303);
		const own = await bob.get('/admin/notifications');
		expect(own.status).toBe(200);
		expect(own.text).toContain(`value="${BOB}"`);
		expect(own.text).toMatch(/id="kind-held" name="kind-held" checked/);
		expect((own.text.match(/type="checkbox"[^>]* checked/g) ?? []).length).toBe(1);
	});

	test('an item waiting for approval: one e-mail each to Alice and Bob, with a link to it and no phone number', async () => {
		if (skip) return;
		const { message } = await enqueue(ctx(), 'meda', { item: heldItem('biblioteca', `Biblioteca: nuovi arrivi, informazioni al ${PHONE}`) }, 'n8n');
		expect(message.state).toBe('held');
		const mails = await notified();
		expect(recipientsOf(mails)).toEqual([ALICE, BOB]);
		for (const mail of mails) {
			expect(mail.subject).toBe('[Banditore · Comune di Meda] Un messaggio attende approvazione');
			expect(mail.text).toContain('attende la verifica della redazione');
			expect(mail.text).toContain('Biblioteca: nuovi arrivi');
			expect(mail.text).toContain(`${s.url}/admin/queue?channel=meda#m-${message.id}`);
		}
		expect(await notified()).toEqual([]);
	});

	test('a failed attempt that will be retried tells nobody; a gateway session down tells Alice once', async () => {
		if (skip) return;
		gateway.status = 429;
		await enqueue(ctx(), 'gw', { dedupeKey: 'uno', text: 'Avviso numero 1', category: 'avviso', priority: 60 }, 'n8n');
		await s.dispatcher.tick();
		expect(await notified()).toEqual([]);
		gateway.status = 422;
		later(60);
		await s.dispatcher.tick();
		const mails = await notified();
		expect(recipientsOf(mails)).toEqual([ALICE]);
		expect(mails[0].subject).toBe('[Banditore · Canale WhatsApp] Collegamento WhatsApp interrotto');
		expect(mails[0].text).toContain('Ricollega la sessione');
	});

	test('a delivery that failed for good: one e-mail to Alice', async () => {
		if (skip) return;
		gateway.status = 403;
		later(300);
		await s.dispatcher.tick();
		const mails = await notified();
		expect(recipientsOf(mails)).toEqual([ALICE]);
		expect(mails[0].subject).toBe('[Banditore · Canale WhatsApp] Un messaggio non è stato inviato');
		expect(mails[0].text).toMatch(/non è stato inviato dopo 3 tentativi/);
	});

	test('an outcome in doubt (posted, not seen in the channel): one e-mail to Alice', async () => {
		if (skip) return;
		gateway.status = 201;
		gateway.swallow = true;
		const { message } = await enqueue(ctx(), 'gw', { dedupeKey: 'due', text: 'Avviso numero 2', category: 'avviso', priority: 60 }, 'n8n');
		await s.dispatcher.tick();
		const mails = await notified();
		expect(recipientsOf(mails)).toEqual([ALICE]);
		expect(mails[0].subject).toBe('[Banditore · Canale WhatsApp] Esito di un invio incerto');
		expect(mails[0].text).toContain('Non si sa se un messaggio');
		expect(mails[0].text).toContain(`#m-${message.id}`);
	});

	test('election period tomorrow: one e-mail to Alice, once', async () => {
		if (skip) return;
		clock.set('2026-06-12T08:00:00Z');
		const mails = await notified();
		// Both channels have the period.
		expect(mails.map((m) => m.subject).sort()).toEqual([
			'[Banditore · Canale WhatsApp] Domani inizia il periodo elettorale «Referendum comunale»',
			'[Banditore · Comune di Meda] Domani inizia il periodo elettorale «Referendum comunale»',
		]);
		expect(recipientsOf(mails)).toEqual([ALICE, ALICE]);
		expect(mails[0].text).toContain('13/06/2026 00:00');
		later(3600);
		expect(await notified()).toEqual([]);
	});

	test('the weekly summary: sent of the limit, held, rejected, emergencies; once', async () => {
		if (skip) return;
		await enqueue(ctx(), 'meda', { dedupeKey: 'tre', text: 'Avviso numero 3', category: 'avviso', priority: 60 }, 'n8n');
		await enqueue(ctx(), 'meda', { dedupeKey: 'em', text: 'Chiusura scuole per neve', emergency: true, justification: 'allerta meteo' }, 'n8n');
		await s.dispatcher.tick();
		expect(await notified()).toEqual([]);
		clock.set('2026-06-15T06:00:00Z');
		const mails = (await notified()).filter((m) => m.subject.includes('Comune di Meda'));
		expect(recipientsOf(mails)).toEqual([ALICE]);
		expect(mails[0].subject).toBe('[Banditore · Comune di Meda] Riepilogo della settimana dal 08/06/2026 al 14/06/2026');
		expect(mails[0].text).toContain('Messaggi inviati: 1 su 10 consentiti');
		expect(mails[0].text).toContain('Messaggi messi in attesa di approvazione: 1');
		expect(mails[0].text).toContain('Messaggi respinti: 0');
		expect(mails[0].text).toContain('Emergenze: 1');
		expect(await notified()).toEqual([]);
	});

	test('a gateway that cannot be read back after a crash: the outcome in doubt and the gateway alert, one e-mail each', async () => {
		if (skip) return;
		const { message } = await enqueue(ctx(), 'gw', { dedupeKey: 'quattro', text: 'Avviso numero 4', category: 'avviso', priority: 60 }, 'n8n');
		const now = clock.now().getTime();
		// A process killed mid-delivery: the message is `sending` through WAHA and its lease ran out.
		await ctx().store.run("UPDATE messages SET state = 'sending', via = 'waha', attempts = 1, counted = 1, claimed_at = ?, lease_until = ? WHERE id = ?", [now - 600_000, now - 1, message.id]);
		await gateway.close();
		await s.dispatcher.tick();
		const mails = await notified();
		expect(recipientsOf(mails)).toEqual([ALICE, ALICE]);
		expect(mails.map((m) => m.subject).sort()).toEqual(['[Banditore · Canale WhatsApp] Esito di un invio incerto', '[Banditore · Canale WhatsApp] Verifica del canale non riuscita']);
	});

	test('nothing twice after a restart, nothing lost across one', async () => {
		if (skip) return;
		const { message } = await enqueue(ctx(), 'meda', { item: heldItem('orari', 'Biblioteca: orari estivi', clock.now().toISOString()) }, 'n8n');
		expect(message.state).toBe('held');
		await s.close();
		s = await startScheduler(config, { clock: clock.now, dispatch: false });
		const mails = await notified();
		expect(recipientsOf(mails)).toEqual([ALICE, BOB]);
		expect(mails.every((m) => m.text.includes(`#m-${message.id}`))).toBe(true);
		await s.close();
		s = await startScheduler(config, { clock: clock.now, dispatch: false });
		expect(await notified()).toEqual([]);
	});

	test('two processes on one database passing at the same moment: each e-mail once', async () => {
		if (skip) return;
		const other = await startScheduler(config, { clock: clock.now, dispatch: false });
		try {
			const { message } = await enqueue(ctx(), 'meda', { item: heldItem('prestiti', 'Biblioteca: prestiti estivi', clock.now().toISOString()) }, 'n8n');
			expect(message.state).toBe('held');
			// Both read the audit log after the same cursor: it moves once, so each person gets one notice.
			await Promise.all([s.notifier.follow(), other.notifier.follow()]);
			// Both find the same rows due: each is claimed, and sent, once.
			await Promise.all([s.notifier.sendDue(), other.notifier.sendDue()]);
			const mails = mailbox.take();
			mails.forEach(checkMail);
			expect(recipientsOf(mails)).toEqual([ALICE, BOB]);
			expect(mails.every((m) => m.text.includes(`#m-${message.id}`))).toBe(true);
			await Promise.all([s.notifier.tick(), other.notifier.tick()]);
			expect(mailbox.take()).toEqual([]);
		} finally {
			await other.close();
		}
	});

	test('a rules file that does not load: the start fails and Alice hears it once, not at every restart', async () => {
		if (skip) return;
		const broken = join(dir, 'broken.yaml');
		writeFileSync(broken, 'quota:\n  perWeek: tanti\n');
		const bad = { ...config, channels: [{ ...config.channels[0], rules: broken }, config.channels[1]] };
		await expect(startScheduler(bad, { clock: clock.now, dispatch: false })).rejects.toThrow(/rules file is not valid/);
		const mails = mailbox.take();
		mails.forEach(checkMail);
		expect(recipientsOf(mails)).toEqual([ALICE]);
		expect(mails[0].subject).toBe('[Banditore · Comune di Meda] Il file delle regole non si carica');
		expect(mails[0].text).toContain(broken);
		await expect(startScheduler(bad, { clock: clock.now, dispatch: false })).rejects.toThrow(/rules file is not valid/);
		expect(mailbox.take()).toEqual([]);
	});
});
