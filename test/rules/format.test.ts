import { evaluate, escapeMarkup, rulesFromObject, type Rules } from '../../core/rules';
import { item, ok, shipped } from './helpers';

const NOW = new Date('2026-04-01T10:00:00Z');
const MEDA_FOOTER = 'Canale informativo del Comune di Meda, non è possibile rispondere. Info: comunicazione.istituzionale@comune.medab.it';
const LINK = 'https://www.comune.meda.mb.it/novita/notizie/ordinanza-viabilita';

function rulesWith(message: Record<string, unknown>): Rules {
	return ok(
		rulesFromObject({
			comune: 'Comune di Prova',
			categories: [{ id: 'notizia', label: 'Notizia', emoji: '📰' }, { id: 'senza', label: 'Senza simbolo', match: { words: ['senza'] } }],
			fallbackCategory: 'notizia',
			message,
		}),
	);
}

function length(text: string): number {
	return [...text].length;
}

describe('testo del messaggio WhatsApp', () => {
	test('Meda: simbolo, titolo in grassetto, sommario, link e piè di pagina', () => {
		const d = evaluate(
			item({ title: 'Ordinanza: senso unico in via Roma', summary: 'Dal 7 aprile, per lavori.', link: LINK, categories: ['Ordinanze'] }),
			shipped('meda'),
			{ now: NOW },
		);
		expect(d.text).toBe(`📜 *Ordinanza: senso unico in via Roma*\n\nDal 7 aprile, per lavori.\n\n${LINK}\n\n${MEDA_FOOTER}`);
	});

	test('i segni di formattazione del sito non diventano grassetto o corsivo', () => {
		expect(escapeMarkup('Piano *urbano* _nuovo_ ~test~ `x`')).toBe('Piano ∗urbano∗ ＿nuovo＿ ∼test∼ ˋxˋ');
		const d = evaluate(item({ title: 'Bando *2026*', link: 'https://x.it/a_b' }), rulesWith({}), { now: NOW });
		expect(d.text).toBe('📰 *Bando ∗2026∗*\n\nhttps://x.it/a_b');
	});

	test('sommario uguale al titolo e simbolo mancante non lasciano righe vuote o spazi', () => {
		const d = evaluate(item({ title: 'Senza acqua calda', summary: 'senza acqua calda', link: 'https://x.it/1' }), rulesWith({}), { now: NOW });
		expect(d.text).toBe('*Senza acqua calda*\n\nhttps://x.it/1');
	});

	test('segnaposto in italiano: {categoria}, {titolo}, {sommario}, {data}, {comune}', () => {
		const rules = rulesWith({ template: '{emoji} [{categoria}] *{titolo}* ({data}, {comune})\n{sommario}\n{link}', footer: '— Ufficio stampa' });
		const d = evaluate(item({ title: 'Festa', summary: 'In piazza dalle 18.', publishedAt: '2026-03-28T23:30:00Z', link: 'https://x.it/1' }), rules, { now: NOW });
		expect(d.text).toBe('📰 [Notizia] *Festa* (29/03/2026, Comune di Prova)\nIn piazza dalle 18.\nhttps://x.it/1\n\n— Ufficio stampa');
	});

	test('i nomi inglesi dei file scritti prima valgono ancora: {label}, {date} e {comune}, data in ora di Roma', () => {
		const rules = rulesWith({ template: '[{label}] {title} ({date}, {comune})\n{link}', footer: '— Ufficio stampa' });
		const d = evaluate(item({ title: 'Festa', publishedAt: '2026-03-28T23:30:00Z', link: 'https://x.it/1' }), rules, { now: NOW });
		expect(d.text).toBe('[Notizia] Festa (29/03/2026, Comune di Prova)\nhttps://x.it/1\n\n— Ufficio stampa');
	});

	test('un sommario lungo si taglia a fine parola con «…», link e piè di pagina restano interi', () => {
		const rules = rulesWith({ maxLength: 200, footer: 'Info: urp@comune.prova.it' });
		const summary = 'Dal lunedì al venerdì gli uffici comunali resteranno aperti anche nel pomeriggio, '.repeat(5).trim();
		const d = evaluate(item({ title: 'Nuovi orari degli uffici', summary, link: 'https://x.it/orari' }), rules, { now: NOW });
		expect(length(d.text)).toBeLessThanOrEqual(200);
		expect(d.text.endsWith('\n\nhttps://x.it/orari\n\nInfo: urp@comune.prova.it')).toBe(true);
		const cut = d.text.split('\n\n')[1];
		expect(cut.endsWith('…')).toBe(true);
		expect(summary.startsWith(cut.slice(0, -1))).toBe(true);
		expect(summary[cut.length - 1]).toBe(' ');
	});

	test('se non basta togliere il sommario si accorcia il titolo, mai il link', () => {
		const rules = rulesWith({ maxLength: 200 });
		const link = `https://x.it/${'a'.repeat(80)}`;
		const d = evaluate(item({ title: 'Parola '.repeat(40).trim(), summary: 'Sommario '.repeat(30), link }), rules, { now: NOW });
		expect(length(d.text)).toBeLessThanOrEqual(200);
		expect(d.text).toMatch(/^📰 \*Parola( Parola)*…\*\n\n/);
		expect(d.text.endsWith(`\n\n${link}`)).toBe(true);
	});

	test('le emoji contano come un carattere e non vengono spezzate', () => {
		const rules = rulesWith({ maxLength: 200, template: '{title}\n\n{summary}\n\n{link}' });
		const d = evaluate(item({ title: 'Titolo', summary: '🎉'.repeat(300), link: 'https://x.it/1' }), rules, { now: NOW });
		expect(length(d.text)).toBeLessThanOrEqual(200);
		expect(d.text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
	});
});
