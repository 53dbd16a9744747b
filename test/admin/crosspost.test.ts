// The office reads a duplicate (issue #14) on the admin page in Italian: the audit entry says which
// notice it repeats and why it is not sent; the duplicate's own history says where it stands.
import { enqueue } from '../../scheduler/src/queue';
import { skipPostgres, type Kind } from '../scheduler/helpers';
import { Client, startAdmin, visible, type AdminHarness } from './helpers';

const NOW = '2026-06-10T08:00:00Z';
const PAGE = 'https://www.comune.meda.mb.it/novita/acqua';

describe.each<Kind>(['sqlite', 'postgres'])('duplicates on the admin page on %s', (kind) => {
	let h: AdminHarness;
	let skip = false;
	beforeAll(async () => {
		skip = await skipPostgres(kind);
	});
	afterEach(async () => {
		if (!skip) await h?.close();
	});

	test('the audit log and the history say, in Italian, which notice a copy repeats and that it is not sent', async () => {
		if (skip) return;
		h = await startAdmin(kind, NOW);
		const ctx = h.scheduler.ctx;
		const base = { updatedAt: null, categories: [], image: null, publishedAt: '2026-06-10T07:00:00.000Z' };
		await enqueue(ctx, 'meda', {
			item: {
				...base, id: PAGE, link: PAGE, title: 'Interruzione acqua in via Roma', summary: "Lavori sulla rete idrica: giovedì dalle 8 alle 12 manca l'acqua.",
				source: { name: 'Comune di Meda', url: 'https://www.comune.meda.mb.it/feed/', kind: 'rss' },
			},
		}, 'n8n');
		const copy = await enqueue(ctx, 'meda', {
			item: {
				...base, id: 'facebook:77', link: 'https://www.facebook.com/ComuneDiMeda/posts/77', sharedLink: `${PAGE}?fbclid=IwAR1`, title: 'Giovedì senza acqua in via Roma', summary: 'Tutti i dettagli sul sito 👉',
				source: { name: 'Comune di Meda su Facebook', url: 'https://www.facebook.com/ComuneDiMeda', kind: 'facebook' },
			},
		}, 'n8n');
		expect(copy.message.state).toBe('duplicate');

		const c = new Client(() => h.scheduler.url);
		await c.login();
		const text = visible((await c.get('/admin/audit')).text);
		expect(text).toContain("Notizia già presente da un'altra fonte: «Giovedì senza acqua in via Roma». Stessa notizia di «Interruzione acqua in via Roma»: rimanda alla stessa pagina. Non viene inviato: vale quel messaggio (stato: in coda).");
		expect(text).not.toContain('message.duplicate');
		const select = (await c.get('/admin/audit')).text;
		expect(select).toContain('<option value="message.duplicate">Notizia già presente da un&#39;altra fonte</option>');

		const history = visible((await c.get(`/admin/audit?message=${copy.message.id}`)).text);
		expect(history).toContain('Stato attuale: duplicato.');
	});
});
