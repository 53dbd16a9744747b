// Where each template puts the parts of a news or event card. Field selectors are read inside the
// card; lists are tried in order (a card with a ".data" year beats its yearless calendar badge).
// Item selectors stay plain (no :has): a card whose title selector finds nothing is simply skipped,
// which costs nothing, while :has re-searches every card.

export type PresetName = 'agid' | 'agid-v1' | 'wordpress' | 'opencity' | 'plone' | 'halley-albo';

export interface PresetSpec {
	/** Shown in the n8n UI. */
	label: string;
	item: string;
	title: string;
	date: string[];
	summary: string;
	category: string;
	image: string;
	/** Cards inside these containers are not news: category tiles, the homepage calendar, ratings. */
	excludeWithin: string[];
	/** Parts of the summary element that are not summary text. */
	summarySkip?: string[];
}

const EXCLUDE = ['cmp-card-simple', 'it-calendar-wrapper', 'cmp-rating', 'card-teaser'];
// Themes derived from the model label the card with a bare <span> in .category-top (io-Comune's
// span.text, others' unnamed spans); the date shares the row.
const CATEGORY_SPAN = '.category-top span:not(.data):not(.date):not(.visually-hidden):not(.sr-only)';

export const PRESETS: Record<PresetName, PresetSpec> = {
	agid: {
		label: 'Designers Italia modello Comuni (v2)',
		item: '.card-wrapper .card',
		title: '.card-title',
		date: ['.category-top .data', '.card-calendar'],
		summary: '.card-text',
		category: `.category-top .category, ${CATEGORY_SPAN}`,
		image: '.img-wrapper img, .img-responsive-wrapper img',
		excludeWithin: EXCLUDE,
	},
	'agid-v1': {
		label: 'Designers Italia modello Comuni (v1, Bootstrap Italia 1)',
		item: '.card-wrapper .card',
		// "big-heading" titles are the category tiles under "Tutte le novità".
		title: '.card-title:not(.big-heading)',
		date: ['.category-top .data', '.card-calendar'],
		summary: '.card-text',
		category: `.category-top .category, .etichetta, ${CATEGORY_SPAN}`,
		image: '.img-wrapper img, .img-responsive-wrapper img',
		excludeWithin: EXCLUDE,
	},
	wordpress: {
		label: 'Design Comuni Italia WordPress theme',
		item: '.card-wrapper .card',
		title: '.card-title, .cmp-list-card-img__body-title',
		date: ['.category-top .data', '.card-calendar'],
		summary: '.card-text, .cmp-list-card-img__body-description',
		category: `.category-top .category, .category-top .cmp-list-card-img__body-heading-title, ${CATEGORY_SPAN}`,
		image: 'img',
		excludeWithin: EXCLUDE,
	},
	opencity: {
		label: 'OpenCity Italia / ComunWeb (OpenPA Bootstrap Italia)',
		item: '.card-wrapper[data-object_id]',
		title: '.card-title',
		date: ['.category-top .data', '.info-date strong', '.info-date', '.card-calendar'],
		summary: '.card-text',
		category: `.category-top .category, .category-top .cmp-list-card-img__body-heading-title, ${CATEGORY_SPAN}`,
		// The card's picture sits in a grid column (img.img-responsive), not in .img-wrapper.
		image: 'img',
		excludeWithin: [],
		summarySkip: ['info-date'],
	},
	plone: {
		label: 'Plone io-Comune (design-comuni-plone-theme, Volto)',
		// "Card con immagine" and "Card semplice" listing blocks; the latter have no .card-wrapper.
		item: '.card-with-image-default-item, .simple-card-default-item, .card.listing-item',
		title: '.card-title',
		date: ['.category-top .data', '.card-calendar'],
		summary: '.card-text',
		category: `.category-top .category, ${CATEGORY_SPAN}`,
		image: 'img',
		excludeWithin: ['cmp-rating'],
	},
	'halley-albo': {
		label: 'Albo pretorio Halley (#container_pubblicazioni)',
		item: '#container_pubblicazioni .cmp-card',
		title: '.card-title, h3, h4',
		date: ['.data-pubblicazione', '.data', 'time'],
		summary: '.card-text',
		category: '.categoria, .category, .tipologia',
		image: 'img',
		excludeWithin: [],
	},
};

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

// Cheap string tests, no parsing: a marker of Bootstrap Italia or the model's data-element hooks
// says "template", then the platform's own fingerprints pick the preset.
const TEMPLATE = /bootstrap-italia|data-element="(?:main-navigation|page-name|news|breadcrumb)"|class="[^"]*\b(?:card-wrapper|it-header-wrapper)\b/i;
const OPENCITY = /\bdata-object_id="|\/extension\/openpa_bootstrapitalia\/|\bopencity italia\b/i;
const HALLEY = /\bid="container_pubblicazioni"/i;
// Volto wraps the theme in .public-ui and serves images from /@@images/; classic Plone says so in its generator.
const PLONE = /\bclass="[^"]*\bpublic-ui\b|\/@@images\/|<meta[^>]+content="Plone\b/i;
const WORDPRESS = /\/wp-content\/themes\/design-comuni|<meta[^>]+content="WordPress[^"]*"[^>]*name="generator"|<meta[^>]+name="generator"[^>]+content="WordPress|\/wp-content\/|\/wp-includes\//i;
const BOOTSTRAP5 = /\bdata-bs-[a-z]+=|\bdata-element="/i;
const V1_CARDS = /<article[^>]+class="[^"]*\bcard-wrapper\b|<h5[^>]+class="[^"]*\bcard-title\b|\bdata-toggle="/i;

export function detectPreset(html: string): PresetName | null {
	if (HALLEY.test(html)) return 'halley-albo';
	if (OPENCITY.test(html)) return 'opencity';
	if (PLONE.test(html)) return 'plone';
	if (!TEMPLATE.test(html)) return null;
	if (WORDPRESS.test(html)) return 'wordpress';
	if (!BOOTSTRAP5.test(html) && V1_CARDS.test(html)) return 'agid-v1';
	return 'agid';
}
