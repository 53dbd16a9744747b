import { BanditoreError } from '../../core/errors';
import { sourceList } from '../../core/sources';

const WHERE = 'The "sources" field of input item 1';

describe('sourceList: a comune\'s sources written as data', () => {
	test('reads address, kind (auto when left out) and name, trimmed', () => {
		expect(sourceList([{ url: ' https://www.comune.meda.mb.it/ ' }, { url: '123456789', kind: 'facebook', name: ' Comune di Meda ' }, { url: 'https://x.example.it/feed', kind: 'rss' }], WHERE)).toEqual([
			{ url: 'https://www.comune.meda.mb.it/', kind: 'auto' },
			{ url: '123456789', kind: 'facebook', name: 'Comune di Meda' },
			{ url: 'https://x.example.it/feed', kind: 'rss' },
		]);
		expect(sourceList([], WHERE)).toEqual([]);
	});

	test.each([
		[undefined, `${WHERE} is not a list of sources: it holds nothing`],
		[{ url: 'https://x.example.it/' }, `${WHERE} is not a list of sources: it holds an object`],
		[42, `${WHERE} is not a list of sources: it holds a number`],
		[['https://x.example.it/'], `${WHERE}: source 1 is not an object with a "url"`],
		[[{ url: '' }], `${WHERE}: source 1 has no address in "url"`],
		[[{ url: 'https://x.example.it/', kind: 'custom' }], `${WHERE}: source 1 has the kind "custom", which is not one of auto, rss, html, youtube, facebook, instagram`],
	])('%j is refused with what is wrong and an example', (value, message) => {
		let error: unknown;
		try {
			sourceList(value, WHERE);
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(BanditoreError);
		expect((error as BanditoreError).message).toBe(message);
		expect((error as BanditoreError).hint).toMatch(/^Give a list like \[\{ "url": "https:\/\/www\.comune\.example\.it\/", "kind": "auto" \}\]/);
	});
});
