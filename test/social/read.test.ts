// Facebook and Instagram sources read through readSource, over real HTTP against a fake Graph API.
import { fetchUrl } from '../../core/http/fetch';
import { readSource, type ReadOptions, type ReadResult, type SourceConfig } from '../../core/read';
import { readSocial, socialTarget, titleAndSummary, usageOf } from '../../core/social';
import { failureOf } from '../failure';
import { facebookPost, graphError, instagramMedia, linkAttachment, startFakeMetaGraph, type FakeMetaGraph } from './fake-meta-graph';

const PAGE = '104000000000001';
const IG = '17841400000000001';
const SITE = 'https://www.comune.meda.mb.it';

let graph: FakeMetaGraph;

beforeEach(async () => {
	graph = await startFakeMetaGraph();
});

afterEach(async () => {
	await graph.close();
});

function read(config: SourceConfig, options: Partial<ReadOptions> = {}): Promise<ReadResult> {
	return readSource(config, { fetch: fetchUrl, timeoutMs: 5000, meta: { accessToken: graph.token, baseUrl: graph.url }, ...options });
}

function posts(count: number): Array<Record<string, unknown>> {
	return Array.from({ length: count }, (_, i) => facebookPost(`9${String(count - i).padStart(3, '0')}`, `Avviso numero ${count - i}`, `2026-11-${String(1 + ((count - i) % 28)).padStart(2, '0')}T08:00:00+0000`));
}

describe('Facebook Page posts as news items', () => {
	it('turns a post into an item: first line as title, the rest as summary, the shared page kept apart', async () => {
		graph.accounts.set(PAGE, {
			kind: 'facebook',
			data: [
				facebookPost('5001', 'Chiusura di via Roma per lavori\n\nDal 24 novembre via Roma è chiusa al traffico.\nTutti i dettagli sul sito.', '2026-11-23T08:00:00+0000', {
					full_picture: 'https://scontent.xx.fbcdn.net/v/via-roma.jpg',
					attachments: linkAttachment(`${SITE}/novita/via-roma`, 'Chiusura di via Roma', 'https://external.xx.fbcdn.net/safe_image.php?d=1'),
				}),
			],
		});
		const result = await read({ url: PAGE, kind: 'facebook' });
		expect(result.kind).toBe('facebook');
		expect(result.notModified).toBe(false);
		expect(result.warnings).toEqual([]);
		expect(result.items).toEqual([
			{
				id: `facebook:${PAGE}_5001`,
				title: 'Chiusura di via Roma per lavori',
				summary: 'Dal 24 novembre via Roma è chiusa al traffico.\nTutti i dettagli sul sito.',
				link: `https://www.facebook.com/${PAGE}/posts/5001`,
				publishedAt: '2026-11-23T08:00:00.000Z',
				updatedAt: '2026-11-23T08:00:00.000Z',
				categories: [],
				image: 'https://scontent.xx.fbcdn.net/v/via-roma.jpg',
				sharedLink: `${SITE}/novita/via-roma`,
				source: { name: 'Comune di Meda', url: `https://www.facebook.com/${PAGE}`, kind: 'facebook' },
			},
		]);
		// The token travels as a bearer header, never in the address.
		expect(graph.requests[0].authorization).toBe(`Bearer ${graph.token}`);
		expect(graph.requests[0].query.get('access_token')).toBeNull();
		expect(graph.requests[0].path).toBe(`/v23.0/${PAGE}/posts`);
		expect(graph.requests[0].query.get('fields')).toContain('attachments{');
	});

	it('reads a Page by its facebook.com address or as facebook:<id>, with the source name given', async () => {
		graph.accounts.set('ComuneDiMeda', { kind: 'facebook', data: [facebookPost('1', 'Allerta meteo gialla', '2026-11-23T06:00:00+0000')] });
		graph.accounts.set(PAGE, { kind: 'facebook', data: [facebookPost('2', 'Mercato di Natale', '2026-11-22T06:00:00+0000')] });
		const byAddress = await read({ url: 'https://www.facebook.com/ComuneDiMeda/', kind: 'auto', name: 'Meda su Facebook' });
		expect(byAddress.items.map((item) => [item.title, item.source.name])).toEqual([['Allerta meteo gialla', 'Meda su Facebook']]);
		const prefixed = await read({ url: `facebook:${PAGE}` });
		expect(prefixed.items.map((item) => item.title)).toEqual(['Mercato di Natale']);
	});

	it('unwraps the l.facebook.com link, takes a link from the text, and skips a bare photo with a warning', async () => {
		const shim = linkAttachment(`${SITE}/novita/tari`, 'TARI 2026');
		delete (shim.data as Array<Record<string, unknown>>)[0].unshimmed_url;
		graph.accounts.set(PAGE, {
			kind: 'facebook',
			data: [
				facebookPost('3', null, '2026-11-23T10:00:00+0000', { attachments: shim }),
				facebookPost('2', 'Iscrizioni al nido aperte fino al 15 dicembre: https://www.comune.meda.mb.it/nido.', '2026-11-22T10:00:00+0000'),
				facebookPost('1', null, '2026-11-21T10:00:00+0000', { full_picture: 'https://scontent.xx.fbcdn.net/v/tramonto.jpg', attachments: { data: [{ media_type: 'photo', url: `https://www.facebook.com/photo.php?fbid=1` }] } }),
			],
		});
		const result = await read({ url: PAGE, kind: 'facebook' });
		expect(result.items.map((item) => [item.title, item.summary, item.sharedLink])).toEqual([
			['TARI 2026', 'Comune di Meda', `${SITE}/novita/tari`],
			['Iscrizioni al nido aperte fino al 15 dicembre', '', `${SITE}/nido`],
		]);
		expect(result.warnings).toEqual([`Facebook post ${PAGE}_1 has no text and no link: skipped.`]);
	});

	it('follows paging.next without resending the token in the address, up to its item limit', async () => {
		graph.accounts.set(PAGE, { kind: 'facebook', data: posts(60) });
		const result = await read({ url: PAGE, kind: 'facebook' });
		expect(result.items).toHaveLength(50);
		expect(result.items[0].title).toBe('Avviso numero 60');
		expect(result.items[49].title).toBe('Avviso numero 11');
		expect(graph.requests).toHaveLength(2);
		// The whole read asked in one call; Meta answered 25 and a `next`.
		expect(graph.requests[0].query.get('limit')).toBe('50');
		expect(graph.requests[1].query.get('after')).not.toBeNull();
		expect(graph.requests[1].query.get('access_token')).toBeNull();
		expect(graph.requests[1].authorization).toBe(`Bearer ${graph.token}`);
	});

	it('reads at most its page limit, however many posts are left', async () => {
		graph.accounts.set(PAGE, { kind: 'facebook', data: posts(200) });
		const result = await readSocial({ kind: 'facebook', id: PAGE }, { fetch: fetchUrl, meta: { accessToken: graph.token, baseUrl: graph.url }, maxItems: 1000 });
		expect(result.items).toHaveLength(75);
		expect(graph.requests).toHaveLength(3);
		expect(graph.requests[0].query.get('limit')).toBe('100');
	});

	it('stops at the last page: no paging.next, no further request', async () => {
		graph.accounts.set(PAGE, { kind: 'facebook', data: posts(30) });
		const result = await read({ url: PAGE, kind: 'facebook' });
		expect(result.items).toHaveLength(30);
		expect(graph.requests).toHaveLength(2);
	});
});

describe('Instagram media as news items', () => {
	it('reads captions, permalinks and pictures (a video by its thumbnail), and skips media without caption', async () => {
		graph.accounts.set(IG, {
			kind: 'instagram',
			data: [
				instagramMedia('3', 'Festa dell’albero in piazza Municipio!\nSabato 28 novembre alle 15. Info: www.comune.meda.mb.it #meda', '2026-11-23T09:30:00+0000', 'VIDEO'),
				instagramMedia('2', null, '2026-11-22T09:30:00+0000'),
				instagramMedia('1', 'Raccolta differenziata: il nuovo calendario è online sul sito del comune https://www.comune.meda.mb.it/rifiuti', '2026-11-21T09:30:00+0000'),
			],
		});
		const result = await read({ url: IG, kind: 'instagram' });
		expect(result.kind).toBe('instagram');
		expect(result.items).toEqual([
			expect.objectContaining({
				id: `instagram:3`,
				title: 'Festa dell’albero in piazza Municipio!',
				summary: 'Sabato 28 novembre alle 15. Info: www.comune.meda.mb.it #meda',
				link: 'https://www.instagram.com/p/C3/',
				publishedAt: '2026-11-23T09:30:00.000Z',
				image: 'https://scontent.cdninstagram.com/v/3-thumb.jpg',
				sharedLink: null,
				source: { name: '@comunedimeda', url: 'https://www.instagram.com/comunedimeda/', kind: 'instagram' },
			}),
			expect.objectContaining({ id: 'instagram:1', image: 'https://scontent.cdninstagram.com/v/1.jpg', sharedLink: `${SITE}/rifiuti` }),
		]);
		expect(result.warnings).toEqual(['Instagram post 2 has no caption: skipped.']);
		expect(graph.requests[0].path).toBe(`/v23.0/${IG}/media`);
	});
});

describe('Graph API errors, said in one sentence with what to do', () => {
	it('an expired or revoked token (190): create a new Page access token', async () => {
		graph.accounts.set(PAGE, { kind: 'facebook', data: posts(1) });
		const error = await failureOf(read({ url: PAGE, kind: 'facebook' }, { meta: { accessToken: 'EAAB-old-token', baseUrl: graph.url, tokenPlace: 'BANDITORE_META_TOKEN' } }));
		expect(error.code).toBe('meta.token');
		expect(error.message).toBe(`Meta refused the access token for the Facebook Page ${PAGE}: it has expired or was revoked (Graph API error 190/463).`);
		expect(error.hint).toBe('Create a new Page access token and put it in BANDITORE_META_TOKEN.');
		expect(error.describe()).not.toContain('EAAB-old-token');
	});

	it('a missing permission (10 for a Page, 200 for Instagram) names the permissions to grant', async () => {
		graph.accounts.set(PAGE, { kind: 'facebook', data: posts(1), forbidden: true });
		graph.accounts.set(IG, { kind: 'instagram', data: [], forbidden: true });
		const page = await failureOf(read({ url: PAGE, kind: 'facebook' }));
		expect(page.code).toBe('meta.permission');
		expect(page.message).toMatch(/^The access token may not read the Facebook Page 104000000000001: \(#10\) This endpoint requires .* \(Graph API error 10\)\.$/);
		expect(page.hint).toMatch(/pages_read_engagement/);
		const account = await failureOf(read({ url: IG, kind: 'instagram' }));
		expect(account.code).toBe('meta.permission');
		expect(account.hint).toMatch(/instagram_basic/);
	});

	it('an unknown id (100): check the id', async () => {
		const error = await failureOf(read({ url: '999', kind: 'facebook' }));
		expect(error.code).toBe('meta.not_found');
		expect(error.message).toBe('Meta knows no Facebook Page "999" that this token can read (Graph API error 100/33).');
		expect(error.hint).toMatch(/Page id/);
	});

	it('no token at all: says where to put one, before any request', async () => {
		const error = await failureOf(read({ url: PAGE, kind: 'facebook' }, { meta: undefined }));
		expect(error.code).toBe('meta.no_token');
		expect(graph.requests).toHaveLength(0);
	});

	it('an Instagram address or a bad id: says what id to give', async () => {
		expect((await failureOf(read({ url: 'https://www.instagram.com/comunedimeda/', kind: 'instagram' }))).message).toMatch(/Instagram address; the Graph API reads an account by its id/);
		expect((await failureOf(read({ url: 'Comune di Meda', kind: 'facebook' }))).code).toBe('meta.bad_id');
		expect(graph.requests).toHaveLength(0);
	});

	it('an unreachable Graph API is a network error without the token in it', async () => {
		const closed = graph.url;
		await graph.close();
		const error = await failureOf(read({ url: PAGE, kind: 'facebook' }, { meta: { accessToken: 'EAAB-secret', baseUrl: closed } }));
		expect(error.code).toBe('unreachable');
		expect(error.describe()).not.toContain('EAAB-secret');
		graph = await startFakeMetaGraph();
	});
});

describe('rate limits: read the usage headers, never hammer', () => {
	const buc = (percent: number, minutes: number) => ({
		'x-business-use-case-usage': JSON.stringify({ [PAGE]: [{ type: 'pages', call_count: percent, total_cputime: 12, total_time: 20, estimated_time_to_regain_access: minutes }] }),
	});

	it('stops paging at 95% usage and says when to try again, keeping what it read', async () => {
		graph.accounts.set(PAGE, { kind: 'facebook', data: posts(60) });
		graph.usage = () => buc(96, 0);
		const result = await read({ url: PAGE, kind: 'facebook' });
		expect(result.items).toHaveLength(25);
		expect(graph.requests).toHaveLength(1);
		expect(result.warnings).toEqual(["Meta's rate limit is at 96% (x-business-use-case-usage): stopped reading further pages to keep the Page from being blocked; try again in an hour."]);
	});

	it('pages on below the threshold', async () => {
		graph.accounts.set(PAGE, { kind: 'facebook', data: posts(60) });
		graph.usage = () => ({ 'x-app-usage': JSON.stringify({ call_count: 94, total_time: 3, total_cputime: 2 }) });
		const result = await read({ url: PAGE, kind: 'facebook' });
		expect(result.items).toHaveLength(50);
		expect(result.warnings).toEqual([]);
	});

	it('a throttled first call (80001) fails with when to retry, from estimated_time_to_regain_access', async () => {
		graph.accounts.set(PAGE, { kind: 'facebook', data: posts(5) });
		graph.script = () => ({ ...graphError(80001, "(#80001) There have been too many calls to this Page account. Wait a bit and try again."), headers: buc(100, 17) });
		const error = await failureOf(read({ url: PAGE, kind: 'facebook' }));
		expect(error.code).toBe('meta.rate_limit');
		expect(error.describe()).toBe(`Meta is limiting the calls of this app to the Facebook Page ${PAGE} (Graph API error 80001). Try again in about 17 minutes, and poll less often.`);
	});

	it('a throttled later page (4) ends the read with a warning and keeps the first page', async () => {
		graph.accounts.set(PAGE, { kind: 'facebook', data: posts(60) });
		graph.script = (_request, n) => (n === 2 ? graphError(4, '(#4) Application request limit reached', 403) : undefined);
		const result = await read({ url: PAGE, kind: 'facebook' });
		expect(result.items).toHaveLength(25);
		expect(result.warnings).toEqual([expect.stringMatching(/^Stopped after 1 page: Meta is limiting the calls .* \(Graph API error 4\)\. Try again in an hour, and poll less often\.$/)]);
	});
});

describe('the pure parts', () => {
	it('finds the account a source names', () => {
		expect(socialTarget('facebook:104000000000001')).toEqual({ kind: 'facebook', id: PAGE });
		expect(socialTarget('https://www.facebook.com/profile.php?id=104000000000001')).toEqual({ kind: 'facebook', id: PAGE });
		expect(socialTarget('facebook.com/people/Comune-di-Meda/104000000000001/')).toEqual({ kind: 'facebook', id: PAGE });
		expect(socialTarget('https://m.facebook.com/ComuneDiMeda')).toEqual({ kind: 'facebook', id: 'ComuneDiMeda' });
		expect(socialTarget('instagram:17841400000000001')).toEqual({ kind: 'instagram', id: IG });
		expect(socialTarget(IG, 'instagram')).toEqual({ kind: 'instagram', id: IG });
		expect(socialTarget(`${SITE}/novita`, 'auto')).toBeNull();
		expect(socialTarget('https://www.facebook.com/ComuneDiMeda', 'rss')).toBeNull();
	});

	it('makes a title of the first line, or of the first sentence of a long one', () => {
		expect(titleAndSummary('Allerta meteo\nDomani scuole chiuse.', '')).toEqual({ title: 'Allerta meteo', summary: 'Domani scuole chiuse.' });
		expect(titleAndSummary('Orari su https://www.comune.meda.mb.it/orari e in biblioteca\nDa lunedì.', '').title).toBe('Orari su e in biblioteca');
		expect(titleAndSummary('https://www.comune.meda.mb.it/orari', '').title).toBe('https://www.comune.meda.mb.it/orari');
		const long = `Da lunedì 30 novembre cambia l’orario della biblioteca civica. ${'Il sabato apre anche al pomeriggio e la domenica mattina, fino alla fine di gennaio, per lo studio. '.repeat(2)}`.trim();
		const sentence = titleAndSummary(long, '');
		expect(sentence.title).toBe('Da lunedì 30 novembre cambia l’orario della biblioteca civica.');
		expect(sentence.summary.startsWith('Il sabato apre')).toBe(true);
		const run = titleAndSummary('parola '.repeat(40).trim(), '');
		expect([...run.title].length).toBeLessThanOrEqual(120);
		expect(run.title.endsWith('…')).toBe(true);
		expect(run.summary).toBe('parola '.repeat(40).trim());
	});

	it('reads the highest usage and the wait from any usage header', () => {
		expect(usageOf({ 'x-page-usage': '{"call_count":12,"total_cputime":97,"total_time":40}' })).toEqual({ percent: 97, header: 'x-page-usage', regainMinutes: null });
		expect(usageOf({ 'x-app-usage': 'not json' })).toEqual({ percent: 0, header: null, regainMinutes: null });
		expect(usageOf(undefined).percent).toBe(0);
	});
});
