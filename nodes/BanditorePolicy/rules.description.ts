import type { INodeProperties } from 'n8n-workflow';
import { DEFAULT_TEMPLATE } from '../../core/rules';
import { channelProperty } from '../BanditoreScheduler/actions/common';

const fromParameters = { displayOptions: { show: { rulesSource: ['parameters'] } } };

const PREVIEW = "a standalone preview, for trying rules (the scheduler decides with the channel's rules)";

/**
 * Where the rules come from. The scheduler's rules of the channel are the truth: it judges every
 * message again with them. A file, pasted YAML or the node's fields are a standalone preview. The
 * default stays "file": workflows saved with it do not store the value, and must not change source.
 */
export const rulesProperties: INodeProperties[] = [
	{
		displayName: 'Rules Source',
		name: 'rulesSource',
		type: 'options',
		default: 'file',
		options: [
			{
				name: 'From Scheduler (Channel Rules)',
				value: 'scheduler',
				description:
					'Recommended: the rules the scheduler holds for the channel, as the communications office edits them on the admin page; a change there decides the next execution',
			},
			{
				name: 'Node Parameters',
				value: 'parameters',
				description: `The standard categories of the example rules with your blocked words, election periods and message: ${PREVIEW}`,
			},
			{ name: 'Rules File', value: 'file', description: `A YAML rules file on the n8n host: ${PREVIEW}` },
			{ name: 'Rules YAML', value: 'yaml', description: `The text of a rules file, pasted here: ${PREVIEW}` },
		],
	},
	{
		...channelProperty,
		description:
			'The channel whose rules decide, as configured in the scheduler. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { rulesSource: ['scheduler'] } },
	},
	{
		displayName:
			"These rules are a standalone preview, for trying rules: the scheduler decides with the channel's rules, and judges every message again when it is queued. Choose From Scheduler (Channel Rules) to decide here as the scheduler will.",
		name: 'previewNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { rulesSource: ['file', 'yaml', 'parameters'] } },
	},
	{
		displayName: 'Rules File Path',
		name: 'rulesFile',
		type: 'string',
		default: '',
		required: true,
		placeholder: '/home/node/banditore/meda.yaml',
		description: 'Absolute path of the rules file on the n8n host; it is read again on every run',
		displayOptions: { show: { rulesSource: ['file'] } },
	},
	{
		displayName: 'Rules YAML',
		name: 'rulesYaml',
		type: 'string',
		default: '',
		required: true,
		typeOptions: { rows: 20 },
		placeholder: 'comune: Città di Meda\nquota:\n  perWeek: 10\ncategories:\n  …',
		description: 'A rules file as text (the format of rules/meda.yaml in this package)',
		displayOptions: { show: { rulesSource: ['yaml'] } },
	},
	{
		displayName: 'Comune',
		name: 'comune',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Città di Meda',
		description: 'Name of the comune, used in the message as {comune}',
		...fromParameters,
	},
	{
		displayName: 'Blocked Words',
		name: 'blockedWords',
		type: 'fixedCollection',
		placeholder: 'Add Blocked Words',
		typeOptions: { multipleValues: true },
		default: {},
		description:
			'Words and phrases never posted, added to the built-in electoral, political and advertising lists. Case and accents are ignored; end a word with * for any ending.',
		options: [
			{
				name: 'list',
				displayName: 'Words',
				values: [
					{
						displayName: 'Reason',
						name: 'list',
						type: 'options',
						default: 'elettorale',
						options: [
							{ name: 'Advertising (Contenuto Pubblicitario)', value: 'commerciale' },
							{ name: 'Custom Reason', value: 'custom' },
							{ name: 'Electoral (Contenuto Elettorale)', value: 'elettorale' },
							{ name: 'Political (Contenuto Politico)', value: 'politico' },
						],
					},
					{
						displayName: 'Custom Reason',
						name: 'reason',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'Linguaggio offensivo',
						description: 'Shown, in Italian, when these words block an item',
						displayOptions: { show: { list: ['custom'] } },
					},
					{
						displayName: 'Words',
						name: 'words',
						type: 'string',
						default: '',
						placeholder: 'scegli il cambiamento, candidat* sindac*',
						description: 'Comma-separated words or phrases',
					},
				],
			},
		],
		...fromParameters,
	},
	{
		displayName: 'Election Periods',
		name: 'electionPeriods',
		type: 'fixedCollection',
		placeholder: 'Add Election Period',
		typeOptions: { multipleValues: true },
		default: {},
		description:
			'From the decree that calls the election to the close of the polls, run-off included. Emergencies, weather alerts, ordinances and notices pass; events are rejected; news waits for approval.',
		options: [
			{
				name: 'period',
				displayName: 'Period',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'Elezioni comunali 2026',
					},
					{
						displayName: 'Start',
						name: 'start',
						type: 'dateTime',
						default: '',
						required: true,
						description: 'Time of the comune (Europe/Rome); a date at 00:00 starts at the beginning of that day',
					},
					{
						displayName: 'End',
						name: 'end',
						type: 'dateTime',
						default: '',
						required: true,
						description: 'Time of the comune (Europe/Rome); a date at 00:00 includes the whole of that day',
					},
				],
			},
		],
		...fromParameters,
	},
	{
		displayName: 'Persons Not to Name During Elections',
		name: 'persons',
		type: 'string',
		default: '',
		placeholder: 'Mario Rossi, Giulia Bianchi',
		description: 'Comma-separated names (mayor, councillors). In an election period an item that names them is rejected, or held if it is an emergency.',
		...fromParameters,
	},
	{
		displayName: 'Message Template',
		name: 'template',
		type: 'string',
		default: DEFAULT_TEMPLATE,
		typeOptions: { rows: 4 },
		description:
			'The WhatsApp text. Placeholders: {emoji} {categoria} {titolo} {sommario} {link} {data} {comune} (the English {label} {title} {summary} {date} still work); *text* is bold. Must contain {link}.',
		...fromParameters,
	},
	{
		displayName: 'Footer',
		name: 'footer',
		type: 'string',
		default: '',
		typeOptions: { rows: 2 },
		placeholder: 'Canale informativo del Comune, non è possibile rispondere',
		description: 'Fixed text at the end of every message',
		...fromParameters,
	},
];
