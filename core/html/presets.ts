// Where each template puts the parts of a news or event card. Field selectors are read inside the
// card; lists are tried in order (a card with a ".data" year beats its yearless calendar badge).
// Item selectors stay plain (no :has): a card whose title selector finds nothing is simply skipped,
// which costs nothing, while :has re-searches every card.

export type PresetName = 'agid' | 'agid-v1' | 'wordpress' | 'opencity';

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

export const PRESETS: Record<PresetName, PresetSpec> = {
	agid: {
		label: 'Designers Italia modello Comuni (v2)',
		item: '.card-wrapper .card',
		title: '.card-title',
		date: ['.category-top .data', '.card-calendar'],
		summary: '.card-text',
		category: '.category-top .category',
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
		category: '.category-top .category, .etichetta',
		image: '.img-wrapper img, .img-responsive-wrapper img',
		excludeWithin: EXCLUDE,
	},
	wordpress: {
		label: 'Design Comuni Italia WordPress theme',
		item: '.card-wrapper .card',
		title: '.card-title, .cmp-list-card-img__body-title',
		date: ['.category-top .data', '.card-calendar'],
		summary: '.card-text, .cmp-list-card-img__body-description',
		category: '.category-top .category, .category-top .cmp-list-card-img__body-heading-title',
		image: 'img',
		excludeWithin: EXCLUDE,
	},
	opencity: {
		label: 'OpenCity Italia / ComunWeb (OpenPA Bootstrap Italia)',
		item: '.card-wrapper[data-object_id]',
		title: '.card-title',
		date: ['.category-top .data', '.info-date strong', '.info-date', '.card-calendar'],
		summary: '.card-text',
		category: '.category-top .category',
		image: '.img-wrapper img, .img-responsive-wrapper img',
		excludeWithin: [],
		summarySkip: ['info-date'],
	},
};

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

// Cheap string tests, no parsing: a marker of Bootstrap Italia or the model's data-element hooks
// says "template", then the platform's own fingerprints pick the preset.
const TEMPLATE = /bootstrap-italia|data-element="(?:main-navigation|page-name|news|breadcrumb)"|class="[^"]*\b(?:card-wrapper|it-header-wrapper)\b/i;
const OPENCITY = /\bdata-object_id="|\/extension\/openpa_bootstrapitalia\/|\bopencity italia\b/i;
const WORDPRESS = /\/wp-content\/themes\/design-comuni|<meta[^>]+content="WordPress[^"]*"[^>]*name="generator"|<meta[^>]+name="generator"[^>]+content="WordPress|\/wp-content\/|\/wp-includes\//i;
const BOOTSTRAP5 = /\bdata-bs-[a-z]+=|\bdata-element="/i;
const V1_CARDS = /<article[^>]+class="[^"]*\bcard-wrapper\b|<h5[^>]+class="[^"]*\bcard-title\b|\bdata-toggle="/i;

export function detectPreset(html: string): PresetName | null {
	if (OPENCITY.test(html)) return 'opencity';
	if (!TEMPLATE.test(html)) return null;
	if (WORDPRESS.test(html)) return 'wordpress';
	if (!BOOTSTRAP5.test(html) && V1_CARDS.test(html)) return 'agid-v1';
	return 'agid';
}
