// The WhatsApp text of a post: escaping, HTML, and the limits with Italian texts full of accents and emoji.
import { length } from '../../core/whatsapp/compose';
import { fitTemplateBody, fitText, formatItem, headerParameter, htmlToWhatsApp, templateParameter } from '../../core/whatsapp/format';
import { LIMITS } from '../../core/whatsapp/limits';
import { item } from '../rules/helpers';

const LINK = 'https://www.comune.meda.mb.it/novita/avvisi/chiusura-via-roma-è-più-lunga';
const FOOTER = '📣 Comune di Meda · canale ufficiale';
const PHRASE = 'Perché l’università è già lì: città, caffè, più né meno 🎉🇮🇹 ';

function settings(template = '{emoji} *{title}*\n\n{summary}\n\n{link}', footer = FOOTER, maxLength = 4096) {
	return { category: { id: 'avvisi', label: 'Avvisi', emoji: '🚧' } as never, comune: 'Meda', timezone: 'Europe/Rome', message: { template, footer, maxLength } };
}

describe('htmlToWhatsApp', () => {
	it('turns HTML into plain text with bullets, and escapes stray markers', () => {
		const html = '<p>Il <b>sindaco</b> informa: <em>chiusura</em> di via_Roma*</p><ul><li>lunedì 1°</li><li>martedì ~2~</li></ul><p>`codice` &amp; c&#232;</p>';
		const text = htmlToWhatsApp(html);
		expect(text).toBe('Il sindaco informa: chiusura di via＿Roma∗\n- lunedì 1°\n- martedì ∼2∼\n\nˋcodiceˋ & cè');
		expect(text).not.toMatch(/[*_~`]/);
	});

	it('escapes markers in plain text too', () => {
		expect(htmlToWhatsApp('5 * 3 = 15, file_nome.pdf')).toBe('5 ∗ 3 = 15, file＿nome.pdf');
	});
});

describe('formatItem', () => {
	it('keeps the template markup and escapes the feed text', () => {
		const text = formatItem({ ...settings(), item: item({ title: 'Avviso *urgente* _oggi_', summary: '<p>Lavori in corso &egrave; tutto ~chiuso~</p>', link: LINK }) });
		expect(text).toBe(`🚧 *Avviso ∗urgente∗ ＿oggi＿*\n\nLavori in corso è tutto ∼chiuso∼\n\n${LINK}\n\n${FOOTER}`);
	});

	it.each([
		['text', LIMITS.text],
		['caption', LIMITS.caption],
		['templateBody', LIMITS.templateBody],
	] as const)('cuts a long summary to the %s limit at a word, keeping link and footer', (kind, limit) => {
		const summary = PHRASE.repeat(200);
		const text = formatItem({ ...settings(), item: item({ title: 'Città più bella 🎉', summary, link: LINK }) }, kind);
		expect(length(text)).toBeLessThanOrEqual(limit);
		expect(length(text)).toBeGreaterThan(limit - 80);
		expect(text.endsWith(`${LINK}\n\n${FOOTER}`)).toBe(true);
		expect(text).toMatch(/\S…\n\n/);
		// Never half an emoji or flag: every code point survives whole.
		expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
	});

	it('respects a lower limit of the rules', () => {
		const text = formatItem({ ...settings(undefined, undefined, 300), item: item({ summary: PHRASE.repeat(20), link: LINK }) }, 'text');
		expect(length(text)).toBeLessThanOrEqual(300);
		expect(text).toContain(LINK);
	});
});

describe('fitText', () => {
	it('leaves a text within the limit alone', () => {
		expect(fitText(`Breve è meglio\n\n${LINK}`, 1024)).toBe(`Breve è meglio\n\n${LINK}`);
	});

	it('cuts the text before the link, keeping link and footer whole', () => {
		const text = `🚧 *Lavori*\n\n${PHRASE.repeat(60)}\n\n${LINK}\n\n${FOOTER}`;
		const fitted = fitText(text, LIMITS.caption);
		expect(length(fitted)).toBeLessThanOrEqual(LIMITS.caption);
		expect(fitted.startsWith('🚧 *Lavori*\n\n')).toBe(true);
		expect(fitted.endsWith(`…\n\n${LINK}\n\n${FOOTER}`)).toBe(true);
	});

	it('keeps a short footer without a link', () => {
		const fitted = fitText(`${PHRASE.repeat(100)}\n\n${FOOTER}`, 500);
		expect(length(fitted)).toBeLessThanOrEqual(500);
		expect(fitted.endsWith(`…\n\n${FOOTER}`)).toBe(true);
	});

	it('cuts a text with neither at a word', () => {
		const fitted = fitText(PHRASE.repeat(100), 100);
		expect(length(fitted)).toBeLessThanOrEqual(100);
		expect(fitted.endsWith('…')).toBe(true);
	});
});

describe('template parameters', () => {
	it('fold new lines and long runs of spaces (Meta error 132018) and are never empty', () => {
		expect(templateParameter('Riga uno\nriga  due\t tre\n\nParagrafo      nuovo')).toBe('Riga uno riga due tre · Paragrafo nuovo');
		expect(templateParameter('  ')).toBe('-');
	});

	it('keep the filled-in body within 1024 characters, cutting the longest text and never the link', () => {
		const body = 'Notizia dal Comune: {{1}}\n\n{{2}}\n\nLeggi: {{3}}';
		const values = fitTemplateBody(['Città chiusa 🎉', PHRASE.repeat(40), LINK], body);
		const filled = body.replace('{{1}}', values[0]).replace('{{2}}', values[1]).replace('{{3}}', values[2]);
		expect(length(filled)).toBeLessThanOrEqual(LIMITS.templateBody);
		expect(values[0]).toBe('Città chiusa 🎉');
		expect(values[2]).toBe(LINK);
		expect(values[1].endsWith('…')).toBe(true);
	});

	it('cut a header parameter to 60 characters with the header text', () => {
		const value = headerParameter('Allerta meteo arancione per temporali forti su tutta la Brianza 🌩️', 'Avviso: {{1}}');
		expect(length(value) + length('Avviso: ')).toBeLessThanOrEqual(LIMITS.header);
		expect(value.endsWith('…')).toBe(true);
	});
});
