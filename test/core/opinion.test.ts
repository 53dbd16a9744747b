// The second opinion of a language model (core/opinion): what is sent, how tolerant the reading of
// the answer is, and that every failure is `unavailable`, never an exception.
import { askOpinion, categoryOf, opinionItem, opinionRequest, parseCompletion, parseOpinion, type OpinionFetch } from '../../core/opinion';
import { t } from '../../core/messages';

const item = {
	id: 'https://www.comune.meda.mb.it/novita/1',
	title: "Un anno di buon governo: il sindaco rivendica i successi dell'amministrazione",
	summary: 'Tutti i risultati ottenuti dalla giunta in dodici mesi.',
	link: 'https://www.comune.meda.mb.it/novita/1?utm=x#top',
	publishedAt: null,
	updatedAt: null,
	categories: ['Avvisi'],
	image: 'https://www.comune.meda.mb.it/foto.jpg',
	source: { name: 'Comune di Meda', url: 'https://www.comune.meda.mb.it/feed/', kind: 'rss' as const },
};

const completion = (content: unknown) => JSON.stringify({ id: 'c1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] });

describe('reading the answer', () => {
	test('a plain JSON object', () => {
		expect(parseOpinion('{"flag": true, "category": "politico", "reason": "Autopromozione della giunta"}')).toEqual({ kind: 'concern', category: 'politico', reason: 'Autopromozione della giunta' });
		expect(parseOpinion('{"flag": false, "category": "altro", "reason": ""}')).toEqual({ kind: 'fine' });
	});

	test('the first JSON object with a flag, inside fences, prose or a reasoning block', () => {
		expect(parseOpinion('```json\n{"flag": true, "category": "commerciale", "reason": "Promuove un negozio"}\n```')).toMatchObject({ kind: 'concern', category: 'commerciale' });
		expect(parseOpinion('Ecco la risposta: {"flag": false} spero sia utile {"flag": true}')).toEqual({ kind: 'fine' });
		expect(parseOpinion('<think>forse {non è} politico? {"flag": true}</think>\n{"flag": false, "category": "altro", "reason": ""}')).toEqual({ kind: 'fine' });
		expect(parseOpinion('{"note": "x"} {"flag": true, "category": "elettorale", "reason": "Invito al voto per una lista { con graffe }"}')).toEqual({
			kind: 'concern',
			category: 'elettorale',
			reason: 'Invito al voto per una lista { con graffe }',
		});
		expect(parseOpinion('{"risposta": {"flag": true, "category": "politico", "reason": "annidato"}}')).toMatchObject({ kind: 'concern', reason: 'annidato' });
	});

	test('flags as strings, categories in other words, a missing or long reason', () => {
		expect(parseOpinion('{"flag": "true", "category": "Political", "reason": "Attacco all\'opposizione"}')).toMatchObject({ kind: 'concern', category: 'politico' });
		expect(parseOpinion('{"flag": "no"}')).toEqual({ kind: 'fine' });
		expect(parseOpinion('{"flag": true, "category": "pubblicità"}')).toEqual({ kind: 'concern', category: 'commerciale', reason: t('opinion.noReason') });
		expect(parseOpinion('{"flag": true, "category": "?", "reason": "  riga\\nnuova  "}')).toEqual({ kind: 'concern', category: 'altro', reason: 'riga nuova' });
		const long = parseOpinion(JSON.stringify({ flag: true, category: 'politico', reason: 'parola '.repeat(200) }));
		expect(long.kind === 'concern' && [...long.reason].length).toBe(240);
		expect(['propaganda elettorale', 'ELETTORALE', 'election'].map(categoryOf)).toEqual(['elettorale', 'elettorale', 'elettorale']);
		expect([undefined, 3, 'boh'].map(categoryOf)).toEqual(['altro', 'altro', 'altro']);
	});

	test('what cannot be read is unavailable', () => {
		expect(parseOpinion('Non saprei.')).toMatchObject({ kind: 'unavailable' });
		expect(parseOpinion('{"flag": maybe}')).toMatchObject({ kind: 'unavailable' });
		expect(parseOpinion('{"category": "politico"}')).toMatchObject({ kind: 'unavailable' });
		expect(parseOpinion('{"flag": true')).toMatchObject({ kind: 'unavailable' });
		expect(parseCompletion('<html>Bad gateway</html>')).toEqual({ kind: 'unavailable', detail: 'the answer is not JSON' });
		expect(parseCompletion('null')).toMatchObject({ kind: 'unavailable' });
		expect(parseCompletion(JSON.stringify({ choices: [] }))).toMatchObject({ kind: 'unavailable' });
		expect(parseCompletion(completion(null))).toMatchObject({ kind: 'unavailable' });
		expect(parseCompletion(completion([{ type: 'text', text: '{"flag": false}' }]))).toEqual({ kind: 'fine' });
	});
});

describe('the request', () => {
	test('title, summary and the host of the link: nothing else of the item', () => {
		expect(opinionItem(item)).toEqual({ title: item.title, summary: item.summary, host: 'www.comune.meda.mb.it' });
		expect(opinionItem({ title: 'a\u0000b', summary: 'x'.repeat(5000), link: 'not a url' })).toMatchObject({ title: 'a b', host: '' });
		expect([...opinionItem({ title: '', summary: 'x'.repeat(5000), link: '' }).summary]).toHaveLength(2000);
		const body = opinionRequest(item, 'llama3.1:8b');
		expect(body).toEqual({
			model: 'llama3.1:8b',
			messages: [
				{ role: 'system', content: t('opinion.system') },
				{ role: 'user', content: JSON.stringify({ title: item.title, summary: item.summary, host: 'www.comune.meda.mb.it' }) },
			],
			temperature: 0,
			max_tokens: 200,
			stream: false,
			response_format: { type: 'json_object' },
		});
		expect(opinionRequest(item, 'm', { jsonMode: false })).not.toHaveProperty('response_format');
		const system = t('opinion.system');
		expect(system).toContain('L. 28/2000');
		expect(system).toContain('L. 150/2000');
		expect(system).toContain('{"flag": true|false, "category": "elettorale"|"politico"|"commerciale"|"altro", "reason": "..."}');
	});

	function recorder(answer: (n: number) => { status: number; body: string }) {
		const calls: Array<{ url: string; headers: Record<string, string>; body: Record<string, unknown> }> = [];
		const fetchFn: OpinionFetch = async (url, init) => {
			calls.push({ url, headers: init.headers, body: JSON.parse(init.body) });
			const { status, body } = answer(calls.length);
			return { status, ok: status >= 200 && status < 300, text: async () => body };
		};
		return { calls, fetchFn };
	}

	test('POST to {url}/chat/completions, with the key only when there is one', async () => {
		const r = recorder(() => ({ status: 200, body: completion('{"flag": true, "category": "politico", "reason": "Autopromozione"}') }));
		expect(await askOpinion(item, { url: 'http://127.0.0.1:11434/v1/', model: 'm' }, r.fetchFn)).toEqual({ kind: 'concern', category: 'politico', reason: 'Autopromozione' });
		expect(r.calls[0].url).toBe('http://127.0.0.1:11434/v1/chat/completions');
		expect(r.calls[0].headers).not.toHaveProperty('authorization');
		await askOpinion(item, { url: 'https://llm.example.it/v1', model: 'm', apiKey: 'sk-segreto' }, r.fetchFn);
		expect(r.calls[1].headers.authorization).toBe('Bearer sk-segreto');
	});

	test('a server that refuses response_format is asked once more without it', async () => {
		const r = recorder((n) => (n === 1 ? { status: 400, body: '{"error": {"message": "response_format json_object is not supported"}}' } : { status: 200, body: completion('{"flag": false}') }));
		expect(await askOpinion(item, { url: 'http://x/v1', model: 'm' }, r.fetchFn)).toEqual({ kind: 'fine' });
		expect(r.calls.map((c) => 'response_format' in c.body)).toEqual([true, false]);
		const other = recorder(() => ({ status: 400, body: '{"error": "model not found"}' }));
		expect(await askOpinion(item, { url: 'http://x/v1', model: 'm' }, other.fetchFn)).toEqual({ kind: 'unavailable', detail: 'HTTP 400: {"error": "model not found"}' });
		expect(other.calls).toHaveLength(1);
	});

	test('HTTP errors, garbage, network errors and timeouts are unavailable, never thrown', async () => {
		expect(await askOpinion(item, { url: 'http://x', model: 'm' }, recorder(() => ({ status: 500, body: 'boom' })).fetchFn)).toEqual({ kind: 'unavailable', detail: 'HTTP 500: boom' });
		expect(await askOpinion(item, { url: 'http://x', model: 'm' }, recorder(() => ({ status: 200, body: 'garbage' })).fetchFn)).toMatchObject({ kind: 'unavailable' });
		const refused: OpinionFetch = async () => {
			throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
		};
		expect(await askOpinion(item, { url: 'http://x', model: 'm' }, refused)).toEqual({ kind: 'unavailable', detail: 'request failed: fetch failed (connect ECONNREFUSED 127.0.0.1:1)' });
		const sync: OpinionFetch = () => {
			throw new Error('synchronous');
		};
		expect(await askOpinion(item, { url: 'http://x', model: 'm' }, sync)).toMatchObject({ kind: 'unavailable' });
		// A server that never answers, whether or not the fetch honours the abort signal.
		let aborted = false;
		const honours: OpinionFetch = (_url, init) =>
			new Promise((_resolve, reject) => {
				init.signal.addEventListener('abort', () => {
					aborted = true;
					reject(new Error('This operation was aborted'));
				});
			});
		const started = Date.now();
		expect(await askOpinion(item, { url: 'http://x', model: 'm', timeoutMs: 5000 }, honours, { timeoutMs: 50 })).toEqual({ kind: 'unavailable', detail: 'no answer within 50 ms' });
		expect(aborted).toBe(true);
		const deaf: OpinionFetch = () => new Promise(() => undefined);
		expect(await askOpinion(item, { url: 'http://x', model: 'm', timeoutMs: 50 }, deaf)).toEqual({ kind: 'unavailable', detail: 'no answer within 50 ms' });
		expect(Date.now() - started).toBeLessThan(2000);
		// Whatever the item holds.
		expect(await askOpinion({ title: undefined, summary: null, link: 42 } as never, { url: 'http://x', model: 'm' }, recorder(() => ({ status: 200, body: completion('{"flag": false}') })).fetchFn)).toEqual({ kind: 'fine' });
	});
});
