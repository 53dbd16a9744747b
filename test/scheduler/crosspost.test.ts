// Cross-posts (issue #14), on a real SQLite file and the real PostgreSQL: a notice published on the
// site, shared on Facebook and told again on YouTube goes out once, the richest copy; the others are
// stored as duplicates with the reason in the audit log, never counted against the weekly limit.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigInvalid, loadConfig } from '../../scheduler/src/config';
import { countBy, messages, outboxIds, skipPostgres, startHarness, type Harness, type HarnessOptions, type Kind, type Msg } from './helpers';

// Monday 15 June 2026, 10:00 in Rome: no period of the built-in calendar binds Meda then.
const MONDAY = '2026-06-15T08:00:00.000Z';
const SITE = 'https://www.comune.meda.mb.it/novita';

type Full = Msg & { text: string; image: string | null; duplicateOf: string | null; item: { link: string } | null };
type Enqueued = { created: boolean; message: Full; duplicate: { of: string; reason: string } | null };
type AuditRow = { type: string; messageId: string | null; details: Record<string, unknown> };

const ACQUA = {
	title: 'Interruzione della fornitura di acqua in via Manzoni martedì 16 giugno',
	summary: "Il gestore del servizio idrico comunica che martedì 16 giugno, dalle ore 8.30 alle ore 13.00, per lavori urgenti sulla rete sarà sospesa l'erogazione dell'acqua in via Manzoni, via Parini e piazza della Chiesa. Si consiglia di fare scorta d'acqua.",
};
const ACQUA_FB = "💧 Domani, martedì 16 giugno, stop all'acqua in via Manzoni, via Parini e piazza della Chiesa dalle 8.30 alle 13 per lavori urgenti sulla rete idrica: il gestore consiglia di fare scorta d'acqua. Leggi di più… #acqua";

const site = (slug: string, extra: Record<string, unknown> = {}) => ({
	id: `${SITE}/${slug}`,
	...ACQUA,
	link: `${SITE}/${slug}`,
	publishedAt: '2026-06-15T07:30:00.000Z',
	updatedAt: null,
	categories: [],
	image: null,
	source: { name: 'Comune di Meda', url: 'https://www.comune.meda.mb.it/feed/', kind: 'rss' },
	...extra,
});
const facebook = (n: number, text: string, extra: Record<string, unknown> = {}) => ({
	id: `facebook:${n}`,
	title: text.split(/[.!]/)[0],
	summary: text,
	link: `https://www.facebook.com/ComuneDiMeda/posts/${n}`,
	sharedLink: null,
	publishedAt: '2026-06-15T07:50:00.000Z',
	updatedAt: null,
	categories: [],
	image: null,
	source: { name: 'Comune di Meda su Facebook', url: 'https://www.facebook.com/ComuneDiMeda', kind: 'facebook' },
	...extra,
});
const youtube = (video: string, title: string, summary: string) => ({
	id: `yt:video:${video}`,
	title,
	summary,
	link: `https://www.youtube.com/watch?v=${video}`,
	publishedAt: '2026-06-15T07:55:00.000Z',
	updatedAt: null,
	categories: [],
	image: `https://i.ytimg.com/vi/${video}/hqdefault.jpg`,
	source: { name: 'Comune di Meda su YouTube', url: 'https://www.youtube.com/feeds/videos.xml?channel_id=UCmeda', kind: 'youtube' },
});

describe.each<Kind>(['sqlite', 'postgres'])('cross-posts on %s', (kind) => {
	let skip = false;
	let h: Harness;
	beforeAll(async () => {
		skip = await skipPostgres(kind);
	});
	afterEach(async () => {
		await h?.close();
	});

	const start = async (options: Partial<HarnessOptions> = {}) => {
		h = await startHarness(kind, { at: MONDAY, ...options });
	};
	const enqueue = async (item: unknown, extra: Record<string, unknown> = {}): Promise<Enqueued> => {
		const r = await h.api<Enqueued>('POST', '/v1/channels/meda/messages', { item, ...extra });
		expect([200, 201]).toContain(r.status);
		return r.body;
	};
	const byId = async (id: string): Promise<Full> => (await h.api<{ message: Full }>('GET', `/v1/messages/${id}`)).body.message;
	const audit = async (): Promise<AuditRow[]> => (await h.api<{ entries: AuditRow[] }>('GET', '/v1/audit?channel=meda&limit=500')).body.entries;
	const later = (minutes: number) => h.set(new Date(h.now().getTime() + minutes * 60_000).toISOString());

	test('a notice from the site, Facebook and YouTube goes out once; the copies are duplicates that do not count', async () => {
		if (skip) return;
		await start({ quota: { perWeek: 2 } });
		const original = await enqueue(site('interruzione-acqua-via-manzoni', { image: `${SITE}/acqua.jpg` }));
		expect(original).toMatchObject({ created: true, duplicate: null, message: { state: 'queued', duplicateOf: null } });
		later(20);
		const shared = await enqueue(facebook(1, ACQUA_FB, { sharedLink: `http://comune.meda.mb.it/novita/interruzione-acqua-via-manzoni/?utm_source=facebook&fbclid=IwAR0x` }));
		later(5);
		const video = await enqueue(youtube('aB3dE5fG7hJ', 'Interruzione acqua in via Manzoni martedì 16 giugno', "Il gestore del servizio idrico spiega i lavori urgenti sulla rete: martedì 16 giugno sospesa l'erogazione dell'acqua in via Manzoni, via Parini e piazza della Chiesa, dalle 8.30 alle 13."));

		expect(shared).toMatchObject({ created: true, message: { state: 'duplicate', duplicateOf: original.message.id }, duplicate: { of: original.message.id } });
		expect(shared.duplicate?.reason).toBe(`Stessa notizia di «${ACQUA.title}»: rimanda alla stessa pagina. Non viene inviato: vale quel messaggio (stato: in coda)`);
		expect(video).toMatchObject({ created: true, message: { state: 'duplicate', duplicateOf: original.message.id } });
		expect(video.duplicate?.reason).toMatch(new RegExp(`^Stessa notizia di «${ACQUA.title}»: testo quasi uguale \\(\\d+% delle parole\\) negli stessi giorni`));

		await h.tick();
		later(1);
		await h.tick();
		expect(outboxIds(h.outbox)).toEqual([original.message.id]);
		expect(countBy(await messages(h))).toEqual({ sent: 1, duplicate: 2 });
		// Two copies stored, one message counted: the second place of the week is still free.
		const quota = (await h.api<{ used: number; remaining: number }>('GET', `/v1/channels/meda/quota?at=${encodeURIComponent(h.now().toISOString())}`)).body;
		expect(quota).toMatchObject({ used: 1, remaining: 1 });

		const lines = (await audit()).filter((a) => a.type === 'message.duplicate');
		expect(lines.map((a) => [a.messageId, a.details.of, a.details.match, a.details.verdict])).toEqual(
			expect.arrayContaining([
				[shared.message.id, original.message.id, 'link', 'queued'],
				[video.message.id, original.message.id, 'text', 'queued'],
			]),
		);
		expect(lines).toHaveLength(2);
		expect(lines.find((a) => a.messageId === shared.message.id)?.details.url).toBe('comune.meda.mb.it/novita/interruzione-acqua-via-manzoni');
	});

	test('the same page is matched with another address form and whatever the text; a notice without shared page is matched by its text', async () => {
		if (skip) return;
		await start();
		const original = await enqueue(site('interruzione-acqua-via-manzoni'));
		const teaser = await enqueue(facebook(2, 'Domani niente acqua in centro! Tutti i dettagli sul sito 👉', { sharedLink: 'https://comune.meda.mb.it/novita/interruzione-acqua-via-manzoni#dettagli' }));
		expect(teaser.message).toMatchObject({ state: 'duplicate', duplicateOf: original.message.id });
		const paraphrase = await enqueue(facebook(3, ACQUA_FB));
		expect(paraphrase.message).toMatchObject({ state: 'duplicate', duplicateOf: original.message.id });
		expect(paraphrase.message.reasons.at(-1)).toContain('testo quasi uguale');
		// A post on another subject with no shared page is its own message.
		const other = await enqueue(facebook(4, 'Sabato 20 giugno alle 10.30 in biblioteca letture animate per bambini dai 3 ai 6 anni con la storia di Pinocchio. Ingresso libero fino a esaurimento posti.'));
		expect(other).toMatchObject({ created: true, duplicate: null, message: { state: 'queued' } });
	});

	test('a different notice with a similar title is sent as its own message', async () => {
		if (skip) return;
		await start();
		const twelfth = await enqueue(site('interruzione-acqua-16-giugno'));
		later(60);
		// The same template a week later: another interruption, told on Facebook.
		const nineteenth = await enqueue(facebook(5, ACQUA_FB.replace('Domani, martedì 16 giugno', 'Martedì 23 giugno')));
		expect(twelfth.message.state).toBe('queued');
		expect(nineteenth).toMatchObject({ created: true, duplicate: null, message: { state: 'queued', duplicateOf: null } });
		await h.tick();
		later(1);
		await h.tick();
		expect(outboxIds(h.outbox).sort()).toEqual([twelfth.message.id, nineteenth.message.id].sort());
	});

	test('an edited notice is not a new one: the same id, or the same link under a new id', async () => {
		if (skip) return;
		await start();
		const original = await enqueue(site('interruzione-acqua-via-manzoni'));
		const sameId = await enqueue(site('interruzione-acqua-via-manzoni', { title: `${ACQUA.title} (aggiornato)`, summary: 'Testo corretto: i lavori finiscono alle 12.' }));
		expect(sameId).toMatchObject({ created: false, message: { id: original.message.id, state: 'queued' }, duplicate: null });
		later(24 * 60 * 10);
		const newGuid = await enqueue(site('interruzione-acqua-via-manzoni', { id: 'urn:sito:4711', title: 'Acqua in via Manzoni: aggiornamento', summary: 'I lavori sono finiti, l\'acqua è tornata.', publishedAt: '2026-06-25T08:00:00.000Z' }));
		expect(newGuid.message).toMatchObject({ state: 'duplicate', duplicateOf: original.message.id });
		expect((await messages(h)).length).toBe(2);
	});

	test('the richest copy wins: a site notice with an image replaces the Facebook post still waiting', async () => {
		if (skip) return;
		await start();
		const post = await enqueue(facebook(6, ACQUA_FB), { earliestAt: '2026-06-15T10:00:00.000Z' });
		expect(post.message.state).toBe('scheduled');
		later(30);
		const notice = await enqueue(site('interruzione-acqua-via-manzoni', { image: `${SITE}/acqua.jpg` }));
		// The site's copy goes out in the post's place, not earlier than the post was planned.
		expect(notice).toMatchObject({ created: true, duplicate: null, message: { state: 'scheduled', earliestAt: '2026-06-15T10:00:00.000Z', image: `${SITE}/acqua.jpg`, item: { link: `${SITE}/interruzione-acqua-via-manzoni` } } });
		const replaced = await byId(post.message.id);
		expect(replaced).toMatchObject({ state: 'duplicate', duplicateOf: notice.message.id });
		expect(replaced.history.at(-1)?.note).toBe(`Sostituito dalla stessa notizia più completa, «${ACQUA.title}», che ha il link al sito del Comune: viene inviata quella`);
		// A later copy of either points to the one that is sent.
		const again = await enqueue(facebook(7, ACQUA_FB.replace('Domani', 'Ricordiamo: domani')));
		expect(again.duplicate?.of).toBe(notice.message.id);

		h.set('2026-06-15T10:00:00.000Z');
		await h.tick();
		expect(outboxIds(h.outbox)).toEqual([notice.message.id]);
		const line = (await audit()).find((a) => a.type === 'message.duplicate' && a.messageId === post.message.id);
		expect(line?.details).toMatchObject({ of: notice.message.id, from: 'scheduled', match: 'text', richer: 'site' });
	});

	test('a copy arriving after the original was sent is recorded as its duplicate and not sent again', async () => {
		if (skip) return;
		await start();
		const original = await enqueue(facebook(8, ACQUA_FB));
		await h.tick();
		expect(outboxIds(h.outbox)).toEqual([original.message.id]);
		later(120);
		// Richer (the site's page, an image), but the post is already out: nothing is resent.
		const notice = await enqueue(site('interruzione-acqua-via-manzoni', { image: `${SITE}/acqua.jpg` }));
		expect(notice).toMatchObject({ created: true, message: { state: 'duplicate', duplicateOf: original.message.id } });
		expect(notice.duplicate?.reason).toContain('Quel messaggio è già stato inviato: questo non viene inviato di nuovo');
		later(1);
		await h.tick();
		expect(outboxIds(h.outbox)).toEqual([original.message.id]);
		expect((await byId(original.message.id)).state).toBe('sent');
	});

	test('the rules judge every copy: a copy of a rejected notice stays unsent, a refused richer copy does not displace an accepted one', async () => {
		if (skip) return;
		await start();
		const promo = 'Domenica 21 giugno Festa dello sport al parco comunale con le società sportive del territorio: prove gratuite per tutti e codice sconto SPORT26 per iscriversi ai corsi.';
		const rejected = await enqueue(site('festa-dello-sport', { title: 'Festa dello sport al parco comunale', summary: promo }));
		expect(rejected.message.state).toBe('rejected');
		const copy = await enqueue(facebook(9, 'Domenica 21 giugno Festa dello sport al parco comunale con le società sportive del territorio: prove gratuite per tutti. Vi aspettiamo!', { sharedLink: `${SITE}/festa-dello-sport` }));
		expect(copy.message).toMatchObject({ state: 'duplicate', duplicateOf: rejected.message.id });
		expect(copy.duplicate?.reason).toContain('Non viene inviato: vale quel messaggio (stato: respinto)');
		const line = (await audit()).find((a) => a.type === 'message.duplicate' && a.messageId === copy.message.id);
		// The rules let this copy through on its own: it is the notice they refused, so it waits for the office's decision on that one.
		expect(line?.details).toMatchObject({ verdict: 'queued', ofState: 'rejected' });

		// The other way round: the post is accepted first; the site's richer copy the rules refuse does not take its place.
		const post = await enqueue(facebook(10, ACQUA_FB));
		expect(post.message.state).toBe('queued');
		const refused = await enqueue(site('interruzione-acqua-via-manzoni', { summary: `${ACQUA.summary} Per chi resta senza acqua codice sconto ACQUA26 sulle bottiglie al supermercato.`, image: `${SITE}/acqua.jpg` }));
		expect(refused.message).toMatchObject({ state: 'duplicate', duplicateOf: post.message.id });
		expect((await byId(post.message.id)).state).toBe('queued');
		const refusedLine = (await audit()).find((a) => a.type === 'message.duplicate' && a.messageId === refused.message.id);
		expect(refusedLine?.details).toMatchObject({ verdict: 'rejected', of: post.message.id });
		await h.tick();
		expect(outboxIds(h.outbox)).toEqual([post.message.id]);
	});

	test('the window is the channel\'s: texts farther apart are different notices, the same page still is not', async () => {
		if (skip) return;
		await start({ crosspost: { windowDays: 1 } });
		const original = await enqueue(site('interruzione-acqua-via-manzoni'));
		later(2 * 24 * 60);
		const lateText = await enqueue(facebook(11, ACQUA_FB, { publishedAt: '2026-06-17T08:00:00.000Z' }));
		expect(lateText).toMatchObject({ duplicate: null, message: { state: 'queued' } });
		const lateLink = await enqueue(facebook(12, 'Ricordiamo l\'ordinanza', { sharedLink: `${SITE}/interruzione-acqua-via-manzoni`, publishedAt: '2026-06-17T08:00:00.000Z' }));
		expect(lateLink.duplicate?.of).toBe(original.message.id);
	});
});

describe('configuration', () => {
	const dir = mkdtempSync(join(tmpdir(), 'banditore-crosspost-config-'));
	const config = (lines: string) => {
		const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
		writeFileSync(file, `channels:\n  - id: meda\n    rules: ../rules/meda.yaml\n${lines}`);
		return loadConfig({ BANDITORE_API_TOKEN: 'x', BANDITORE_CONFIG: file }, dir).channels[0];
	};

	test('the window is the default unless the channel sets it, within 0 to 30 days', () => {
		expect(config('').crosspost).toBeUndefined();
		expect(config('    crosspost: { windowDays: 5 }\n').crosspost).toEqual({ windowDays: 5 });
		expect(config('    crosspost: { windowDays: 0 }\n').crosspost).toEqual({ windowDays: 0 });
		expect(() => config('    crosspost: { windowDays: 45 }\n')).toThrow(ConfigInvalid);
		expect(() => config('    crosspost: { windowDays: 3, threshold: 0.5 }\n')).toThrow(/crosspost/);
	});
});
