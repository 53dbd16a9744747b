import type { INodeProperties } from 'n8n-workflow';
import { DEFAULT_TEMPLATE } from '../../core/rules';

const fromParameters = { displayOptions: { show: { rulesSource: ['parameters'] } } };

/** Where the rules come from: a file the office edits, pasted YAML, or fields for IT staff. */
export const rulesProperties: INodeProperties[] = [
	{
		displayName: 'Rules Source',
		name: 'rulesSource',
		type: 'options',
		default: 'file',
		options: [
			{
				name: 'Node Parameters',
				value: 'parameters',
				description: 'The standard categories of the example rules, with your blocked words, election periods and message',
			},
			{ name: 'Rules File', value: 'file', description: 'A YAML rules file on the n8n host, as the communications office edits it' },
			{ name: 'Rules YAML', value: 'yaml', description: 'The text of a rules file, pasted here' },
		],
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
			'The WhatsApp text. Placeholders: {emoji} {label} {title} {summary} {link} {date} {comune}; *text* is bold. Must contain {link}.',
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
