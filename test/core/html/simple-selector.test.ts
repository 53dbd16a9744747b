import { matchesSimple, parseSimple } from '../../../core/html/simple-selector';
import { loadHtml, type Element } from '../../../core/vendor';
import { site } from './fixtures';

describe('the plain-selector matcher', () => {
	const $ = loadHtml(site('agid/novita.html') + site('opencity/novita.html') + site('agid-v1/novita.html'));
	const elements = $('*').toArray() as Element[];

	it.each([
		'.card-title',
		'.category-top .data',
		'.card-wrapper .card',
		'.card-title:not(.big-heading)',
		'.img-wrapper img, .img-responsive-wrapper img',
		'div.card-wrapper[data-object_id]',
		'.card-wrapper[data-object_id="4790"] .card-text',
		'ul.navbar-nav > li > a',
		'#main-container h1',
		'a[data-element=news]',
		'*',
	])('agrees with cheerio on %s', (selector) => {
		const simple = parseSimple(selector);
		expect(simple).not.toBeNull();
		const ours = elements.filter((el) => matchesSimple(el, simple!));
		expect(ours).toEqual($(selector).toArray());
	});

	it.each(['a:contains(Novità)', 'li:nth-child(2)', 'a[href^="/novita"]', 'h2 + p', 'li[[', '', '> a', 'a >'])(
		'leaves %p to cheerio',
		(selector) => {
			expect(parseSimple(selector)).toBeNull();
		},
	);
});
