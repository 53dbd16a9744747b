import { detectPreset, discoverSources, PRESETS } from '../../../core/html';
import { site } from './fixtures';

describe('detectPreset', () => {
	it('recognises each template from the page text', () => {
		expect(detectPreset(site('agid/novita.html'))).toBe('agid');
		expect(detectPreset(site('agid/eventi.html'))).toBe('agid');
		expect(detectPreset(site('agid/homepage.html'))).toBe('agid');
		expect(detectPreset(site('agid-v1/novita.html'))).toBe('agid-v1');
		expect(detectPreset(site('wordpress/novita.html'))).toBe('wordpress');
		expect(detectPreset(site('opencity/novita.html'))).toBe('opencity');
	});

	it('returns null for pages built on none', () => {
		expect(detectPreset(site('custom/notizie.html'))).toBeNull();
		expect(detectPreset(site('youtube/channel.html'))).toBeNull();
		expect(detectPreset('')).toBeNull();
	});

	it('has an English label for every preset', () => {
		expect(PRESETS.agid.label).toBe('Designers Italia modello Comuni (v2)');
		for (const preset of Object.values(PRESETS)) expect(preset.label).toMatch(/^[A-Z]/);
	});
});

describe('discoverSources', () => {
	it('finds feeds, the Novità page and the events list on a homepage', () => {
		expect(discoverSources(site('agid/homepage.html'), 'https://www.comune.valmorena.it/')).toEqual({
			feeds: [
				{ url: 'https://www.comune.valmorena.it/feed/rss/novita', title: 'Comune di Valmorena - Novità', type: 'rss' },
				{ url: 'https://www.comune.valmorena.it/feed/atom/avvisi', title: 'Comune di Valmorena - Avvisi (Atom)', type: 'atom' },
			],
			news: 'https://www.comune.valmorena.it/novita',
			events: 'https://www.comune.valmorena.it/vivere-il-comune/eventi',
		});
	});

	it('falls back to the "Vivere il comune" section when no events list is linked', () => {
		const html = site('agid/homepage.html').replace('<a class="btn btn-primary" href="/vivere-il-comune/eventi">Tutti gli eventi</a>', '');
		expect(discoverSources(html, 'https://www.comune.valmorena.it/').events).toBe('https://www.comune.valmorena.it/vivere-il-comune');
	});

	it('prefers the live-button-events link on the events section page', () => {
		const found = discoverSources(site('agid/eventi.html'), 'https://www.comune.valmorena.it/vivere-il-comune');
		expect(found.events).toBe('https://www.comune.valmorena.it/vivere-il-comune/eventi');
		expect(found.news).toBe('https://www.comune.valmorena.it/novita');
		expect(found.feeds).toEqual([]);
	});

	it('lists WordPress feeds, comments feed included, with decoded titles', () => {
		const found = discoverSources(site('wordpress/novita.html'), 'https://www.comune.sanvico.it/novita/');
		expect(found.feeds).toEqual([
			{ url: 'https://www.comune.sanvico.it/feed/', title: 'Comune di Sanvico » Feed', type: 'rss' },
			{ url: 'https://www.comune.sanvico.it/comments/feed/', title: 'Comune di Sanvico » Feed dei commenti', type: 'rss' },
		]);
		expect(found.news).toBe('https://www.comune.sanvico.it/novita/');
	});

	it('finds the OpenCity news feed', () => {
		const found = discoverSources(site('opencity/novita.html'), 'https://www.comune.pievebella.it/Novita/Notizie');
		expect(found.feeds).toEqual([{ url: 'https://www.comune.pievebella.it/feed/rss/news', title: 'Notizie', type: 'rss' }]);
		expect(found.news).toBe('https://www.comune.pievebella.it/Novita');
	});

	it('finds the feed of a YouTube channel page', () => {
		expect(discoverSources(site('youtube/channel.html'), 'https://www.youtube.com/@comunevalmorena')).toEqual({
			feeds: [
				{
					url: 'https://www.youtube.com/feeds/videos.xml?channel_id=UCv4lM0rEnA9cOmUnE_Vm123',
					title: 'Comune di Valmorena',
					type: 'youtube',
				},
			],
			news: null,
			events: null,
		});
	});

	it('builds the YouTube feed from the channel id when the page has no feed link', () => {
		const html = site('youtube/channel.html').replace(/<link rel="alternate" type="application\/rss\+xml"[^>]*>/, '');
		expect(discoverSources(html, 'https://www.youtube.com/@comunevalmorena').feeds).toEqual([
			{ url: 'https://www.youtube.com/feeds/videos.xml?channel_id=UCv4lM0rEnA9cOmUnE_Vm123', title: 'Comune di Valmorena', type: 'youtube' },
		]);
	});

	it('skips a "Novità" menu toggle and takes the link to the list', () => {
		const html =
			'<nav><a href="#">Novità</a><a href="javascript:void(0)">Notizie</a><a href="/novita/elenco">Novità</a></nav>';
		expect(discoverSources(html, 'https://www.comune.example.it/').news).toBe('https://www.comune.example.it/novita/elenco');
	});

	it('finds nothing on a page without hooks', () => {
		expect(discoverSources(site('custom/notizie.html'), 'http://www.comune.montecalvo.example/')).toEqual({
			feeds: [],
			news: 'http://www.comune.montecalvo.example/notizie.asp',
			events: null,
		});
	});
});
