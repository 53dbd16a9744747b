import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { limitDepth, MAX_DEPTH } from '../../../core/html/depth';
import { parseListing } from '../../../core/html';
import { site } from './fixtures';

const nested = (levels: number, tag = 'div') => `<body>${`<${tag}>`.repeat(levels)}Testo${`</${tag}>`.repeat(levels)}</body>`;

describe('limitDepth', () => {
	it('leaves every page of the fixtures as it is', () => {
		const root = join(__dirname, '../../fixtures/sites');
		for (const dir of readdirSync(root)) {
			for (const name of readdirSync(join(root, dir))) {
				const html = site(`${dir}/${name}`);
				expect(limitDepth(html)).toBe(html);
			}
		}
	});

	it('drops the tags below the limit and keeps their text and what follows', () => {
		const out = limitDepth(`${nested(10)}<p>dopo</p>`, 4);
		expect(out).toBe('<body><div><div><div>Testo</div></div></div></body><p>dopo</p>');
	});

	it('does not count void elements, unclosed paragraphs and list items, or tags inside scripts and comments', () => {
		const html = `<body>${'<p>uno<br><img src="a.jpg"><p>due'.repeat(1000)}<ul>${'<li>voce'.repeat(1000)}</ul><script>${'<div>'.repeat(1000)}</script><!-- ${'<div>'.repeat(1000)} --><div>fine</div></body>`;
		expect(limitDepth(html, 8)).toBe(html);
	});

	it('counts self-closing tags as closed only inside svg, as the parser does', () => {
		expect(limitDepth(`<svg>${'<g/>'.repeat(50)}</svg>`, 4)).toBe(`<svg>${'<g/>'.repeat(50)}</svg>`);
		expect(limitDepth(`<body>${'<div/>'.repeat(6)}x</body>`, 4)).toBe('<body><div/><div/><div/>x</body>');
	});

	it('makes a 100,000-level page a page the listing reader reads in linear time', () => {
		const html = `<html><head><title>Novità</title></head>${nested(100_000)}</html>`;
		const limited = limitDepth(html);
		expect(limited.match(/<div>/g)).toHaveLength(MAX_DEPTH - 2);
		expect(limited).toContain('Testo');
		expect(() => parseListing(html, { url: 'https://www.comune.esempio.it/novita' })).toThrow(/not built on a template Banditore knows/);
	});
});
