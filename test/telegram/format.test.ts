// The WhatsApp text of a message as Telegram HTML: the template's markers become tags, everything else
// stays the characters it was, and what Telegram counts (UTF-16, after parsing) stays within its limits.
// Each output is also parsed by the fake Bot API's strict HTML-style parser (fake-bot-api.ts).
import { formatItem } from '../../core/whatsapp/format';
import { fitTelegramHtml, parsedText, telegramLength, telegramPost, TELEGRAM_LIMITS, toTelegramHtml } from '../../core/telegram';
import { item } from '../rules/helpers';
import { parseHtml } from './fake-bot-api';

/** Telegram's parse of our HTML must succeed and show the same text our own count uses. */
function html(text: string): string {
	const out = toTelegramHtml(text);
	const parsed = parseHtml(out);
	expect(parsed).toEqual({ text: parsedText(out) });
	return out;
}

describe('toTelegramHtml', () => {
	it.each([
		['*bold*', '<b>bold</b>'],
		['_italic_', '<i>italic</i>'],
		['~strike~', '<s>strike</s>'],
		['`code`', '<code>code</code>'],
		['```mono```', '<code>mono</code>'],
		['*bold _and italic_ here*', '<b>bold <i>and italic</i> here</b>'],
		['_*both*_', '<i><b>both</b></i>'],
		['*a* and *b*', '<b>a</b> and <b>b</b>'],
		['🚧 *Chiusura di via Roma*', '🚧 <b>Chiusura di via Roma</b>'],
		['(*tra parentesi*)', '(<b>tra parentesi</b>)'],
		['*Avviso*: leggere', '<b>Avviso</b>: leggere'],
	])('converts the template markers of %j', (text, expected) => {
		expect(html(text)).toBe(expected);
	});

	it.each([
		['unmatched opening', 'Prezzo *scontato', 'Prezzo *scontato'],
		['unmatched closing', 'nota* bene', 'nota* bene'],
		['inside a word', 'snake_case_name and 2*3*4', 'snake_case_name and 2*3*4'],
		['space after the opener', '* non grassetto*', '* non grassetto*'],
		['space before the closer', '*non grassetto *', '*non grassetto *'],
		['empty', '** and __', '** and __'],
		['across lines', '*inizio\nfine*', '*inizio\nfine*'],
		['mixed, not nested', '*a _b* c_', '<b>a _b</b> c_'],
	])('leaves markers that WhatsApp does not read as formatting as characters: %s', (_name, text, expected) => {
		expect(html(text)).toBe(expected);
	});

	it('escapes &, < and > of the text, so HTML written in a news item is shown, not parsed', () => {
		expect(html('<b>Nota</b> & <script>alert(1)</script> 3 > 2')).toBe('&lt;b&gt;Nota&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt; 3 &gt; 2');
		expect(html('*Sindaci & assessori <2026>*')).toBe('<b>Sindaci &amp; assessori &lt;2026&gt;</b>');
		expect(html('&amp; già scritto')).toBe('&amp;amp; già scritto');
	});

	it('keeps the look-alikes escapeMarkup put in place of markers from feed text', () => {
		const text = formatItem({
			item: item({ title: 'Avviso *urgente* _oggi_ ~chiuso~ `x`', summary: '', link: 'https://www.comune.meda.mb.it/n/1' }),
			category: null,
			comune: 'Meda',
			timezone: 'Europe/Rome',
			message: { template: '*{titolo}*\n\n{link}', footer: '', maxLength: 4096 },
		});
		expect(text).toBe('*Avviso ∗urgente∗ ＿oggi＿ ∼chiuso∼ ˋxˋ*\n\nhttps://www.comune.meda.mb.it/n/1');
		expect(html(text)).toBe('<b>Avviso ∗urgente∗ ＿oggi＿ ∼chiuso∼ ˋxˋ</b>\n\nhttps://www.comune.meda.mb.it/n/1');
	});

	it.each([
		'https://www.comune.it/_layouts/avviso_del_sindaco_2026.pdf',
		'https://www.comune.it/cerca?q=*rifiuti*&tipo=_tutti_',
		'https://www.comune.it/~ufficio/`a`',
		'www.comune.it/_news_/',
	])('never formats inside a link: %s', (url) => {
		const out = html(`Leggi: ${url} oppure _qui_`);
		expect(out).toBe(`Leggi: ${url.replace(/&/g, '&amp;')} oppure <i>qui</i>`);
	});

	it('formats around a link, and ends the link before the closing marker', () => {
		expect(html('*https://www.comune.it/a_b*')).toBe('<b>https://www.comune.it/a_b</b>');
		expect(html('_vedi https://www.comune.it/x_')).toBe('<i>vedi https://www.comune.it/x</i>');
	});

	it('counts emoji and accents as Telegram does, in UTF-16 units, and keeps them whole', () => {
		const out = html('🇮🇹 *Città più bella* 🎉');
		expect(out).toBe('🇮🇹 <b>Città più bella</b> 🎉');
		expect(parsedText(out)).toBe('🇮🇹 Città più bella 🎉');
		expect(telegramLength(out)).toBe(4 + 1 + 15 + 1 + 2);
	});

	it('turns multi-line ``` blocks into <pre>, with no formatting inside, and "> " lines into one quote', () => {
		expect(html('Orari:\n```\nlun *9-12*\nmar 9-12\n```\nfine')).toBe('Orari:\n<pre>lun *9-12*\nmar 9-12</pre>\nfine');
		expect(html('> *Attenzione*: strada chiusa\n> per lavori\naltro')).toBe('<blockquote><b>Attenzione</b>: strada chiusa\nper lavori</blockquote>\naltro');
		expect(html('5 > 3')).toBe('5 &gt; 3');
	});

	it('keeps code out of bold, italic and strikethrough, which Telegram refuses', () => {
		expect(html('*vedi `codice` qui*')).toBe('<b>vedi `codice` qui</b>');
	});

	it('keeps lists, new lines and empty lines as they are', () => {
		expect(html('*Chiusure*\n\n- via Roma\n- via Po\n\nInfo')).toBe('<b>Chiusure</b>\n\n- via Roma\n- via Po\n\nInfo');
	});
});

describe('fitTelegramHtml and telegramPost', () => {
	const LINK = 'https://www.comune.meda.mb.it/novita/avviso_1';
	const FOOTER = 'Canale del Comune di Meda';
	const long = (n: number) => `*Chiusura di via Roma*\n\n${'Lavori in corso 🚧 fino a ottobre. '.repeat(n).trim()}\n\n${LINK}\n\n${FOOTER}`;

	it('cuts a text over 4096 UTF-16 units at a word, keeping the title, the link and the footer', () => {
		const out = fitTelegramHtml(long(200), TELEGRAM_LIMITS.text);
		expect(telegramLength(out)).toBeLessThanOrEqual(4096);
		expect(telegramLength(out)).toBeGreaterThan(4000);
		expect(out.startsWith('<b>Chiusura di via Roma</b>\n\n')).toBe(true);
		expect(out.endsWith(`…\n\n${LINK}\n\n${FOOTER}`)).toBe(true);
		expect(parseHtml(out)).toEqual({ text: parsedText(out) });
	});

	it('leaves a text that fits as it is', () => {
		expect(fitTelegramHtml(long(3), TELEGRAM_LIMITS.text)).toBe(toTelegramHtml(long(3)));
	});

	it('counts the emoji twice, so a text of 4000 code points with many emoji is still cut', () => {
		const text = `${'🚧'.repeat(2100)}\n\n${LINK}`;
		expect(Array.from(text).length).toBeLessThan(4096);
		const out = fitTelegramHtml(text, TELEGRAM_LIMITS.text);
		expect(telegramLength(out)).toBeLessThanOrEqual(4096);
		expect(telegramLength(out)).toBeGreaterThan(4000);
		expect(out.endsWith(LINK)).toBe(true);
		expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
	});

	it('sends a photo with the text as caption when the text fits 1024 units', () => {
		const post = telegramPost(long(10), 'https://www.comune.meda.mb.it/img/foto.jpg');
		expect(post).toEqual({ method: 'sendPhoto', photo: 'https://www.comune.meda.mb.it/img/foto.jpg', caption: toTelegramHtml(long(10)) });
		expect(telegramLength(toTelegramHtml(long(10)))).toBeLessThanOrEqual(1024);
	});

	it('sends a longer text whole, with the image as a large preview above it, rather than cut to a caption', () => {
		const text = long(40);
		expect(telegramLength(toTelegramHtml(text))).toBeGreaterThan(1024);
		const post = telegramPost(text, 'https://www.comune.meda.mb.it/img/foto.jpg');
		expect(post).toEqual({
			method: 'sendMessage',
			text: toTelegramHtml(text),
			linkPreview: { url: 'https://www.comune.meda.mb.it/img/foto.jpg', prefer_large_media: true, show_above_text: true },
		});
	});

	it('measures the caption after parsing: markup and entities do not count', () => {
		// 1020 shown characters, many more in HTML: still a caption.
		const text = `*${'&'.repeat(1018)}*`;
		const post = telegramPost(text, 'https://x.it/a.png');
		expect(post.method).toBe('sendPhoto');
		expect(telegramLength((post as { caption: string }).caption)).toBe(1018);
	});

	it('sends text only, with Telegram\'s own preview of the first link, when there is no image', () => {
		expect(telegramPost(long(2), null)).toEqual({ method: 'sendMessage', text: toTelegramHtml(long(2)), linkPreview: null });
		expect(telegramPost(long(2), '  ')).toEqual({ method: 'sendMessage', text: toTelegramHtml(long(2)), linkPreview: null });
	});
});
