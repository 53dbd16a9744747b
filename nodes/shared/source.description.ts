import type { INodeProperties } from 'n8n-workflow';
import { PRESETS } from '../../core/html';

const presetOptions = [
	{ name: 'Auto-Detect', value: 'auto', description: 'Recognise the template from the page' },
	...Object.entries(PRESETS).map(([value, preset]) => ({ name: preset.label, value })),
];

/** The list of sites, feeds and channels a node reads. Shared by Banditore Feed and its trigger. */
export const sourcesProperty: INodeProperties = {
	displayName: 'Sources',
	name: 'sources',
	type: 'fixedCollection',
	placeholder: 'Add Source',
	typeOptions: { multipleValues: true, sortable: true },
	default: { source: [{ url: '', kind: 'auto' }] },
	description: "The comune's site, feeds and channels to read",
	options: [
		{
			name: 'source',
			displayName: 'Source',
			values: [
				{
					displayName: 'Feed or Page URL',
					name: 'url',
					type: 'string',
					default: '',
					required: true,
					placeholder: 'https://www.comune.example.it/novita',
					description:
						'A feed, a news or events page, the home page of a comune site, a YouTube channel, a Facebook Page (ID or address) or an Instagram professional account ID',
				},
				{
					displayName: 'Kind',
					name: 'kind',
					type: 'options',
					default: 'auto',
					options: [
						{ name: 'Auto-Detect', value: 'auto', description: 'Feed, known page template, or a home page that links to them' },
						{ name: 'Facebook Page', value: 'facebook', description: "The Page's posts, through the Graph API (needs the Meta Graph API credential)" },
						{ name: 'HTML Page (Custom Selectors)', value: 'custom', description: 'Any other site: say where the news cards are' },
						{ name: 'HTML Page (Template Preset)', value: 'html', description: 'A listing built on a comuni template' },
						{ name: 'Instagram Account', value: 'instagram', description: 'The posts of the professional account linked to the Page (needs the Meta Graph API credential)' },
						{ name: 'RSS / Atom Feed', value: 'rss' },
						{ name: 'YouTube Channel', value: 'youtube', description: 'The uploads of a channel, by address or ID' },
					],
				},
				...selectorFields(),
				{
					displayName: 'Source Name',
					name: 'name',
					type: 'string',
					default: '',
					placeholder: 'Comune di Meda',
					description: 'Shown as the source of each item; by default the title of the feed or page',
				},
				{
					displayName: 'Template',
					name: 'preset',
					type: 'options',
					default: 'auto',
					options: presetOptions,
					displayOptions: { show: { kind: ['html'] } },
				},
				{
					displayName: 'Visit Item Pages',
					name: 'fetchDetails',
					type: 'boolean',
					default: false,
					description: 'Whether to open each item page for its full date and text (one request per item)',
					displayOptions: { show: { kind: ['auto', 'html', 'custom'] } },
				},
			],
		},
	],
};

function selectorFields(): INodeProperties[] {
	const fields: Array<[string, string, string, boolean]> = [
		['item', 'Item Selector', '.news-list article', true],
		['title', 'Title Selector', 'h3', true],
		['link', 'Link Selector', 'a', false],
		['date', 'Date Selector', '.date', false],
		['summary', 'Summary Selector', 'p', false],
		['category', 'Category Selector', '.category', false],
		['image', 'Image Selector', 'img', false],
	];
	return fields.map(([name, displayName, placeholder, required]) => ({
		displayName,
		name: `${name}Selector`,
		type: 'string',
		default: '',
		required,
		placeholder,
		description: required
			? `CSS selector of the ${name} ${name === 'item' ? 'cards on the page' : 'inside each card'}`
			: `CSS selector of the ${name} inside each card; leave empty to skip`,
		displayOptions: { show: { kind: ['custom'] } },
	}));
}

/** Politeness and selection options shared by both nodes. */
export const readOptions: INodeProperties[] = [
	{
		displayName: 'Max Age (Hours)',
		name: 'maxAgeHours',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		description: 'Skip dated items older than this; 0 keeps all. Undated items are always kept.',
	},
	{
		displayName: 'Max Detail Pages',
		name: 'maxDetailPages',
		type: 'number',
		default: 30,
		typeOptions: { minValue: 0 },
		description: 'When visiting item pages, at most this many per read',
	},
	{
		displayName: 'Max Size (MB)',
		name: 'maxSizeMb',
		type: 'number',
		default: 10,
		typeOptions: { minValue: 0.1 },
		description: 'Refuse documents larger than this',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeoutSeconds',
		type: 'number',
		default: 20,
		typeOptions: { minValue: 1 },
		description: 'Give up on a source that takes longer than this',
	},
];
