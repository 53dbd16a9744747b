// The calendar file's shape (zod) and its problems: each with the path in the file, a stable code,
// the Italian message for the office and the same in English for maintainers.
import { DateTime, z } from '../vendor';
import type { ZodIssue } from '../vendor';
import { itElection, type ElectionMessageKey } from '../messages/it.election';

export const ZONE = 'Europe/Rome';
export const VOTE_KINDS = ['politiche', 'europee', 'referendum', 'regionali', 'comunali'] as const;
export type VoteKind = (typeof VOTE_KINDS)[number];

export interface ElectionProblem {
	/** Where in the file: "votes[3].pollsClose"; "" for the whole file. */
	path: string;
	code: ElectionMessageKey;
	/** Italian, for the communications office. */
	message: string;
	/** English, for maintainers and logs. */
	english: string;
}

const ENGLISH: Record<ElectionMessageKey, string> = {
	'election.notAnObject': 'The election calendar must be a JSON object with "version" and "votes"',
	'election.required': 'Required field is missing',
	'election.type': 'Wrong type: expected {expected}, got {received}',
	'election.unknownKey': 'Unknown field "{key}"',
	'election.enum': 'Value not allowed: use one of {options}',
	'election.date': 'Invalid date "{value}": write YYYY-MM-DD',
	'election.dateTime': 'Invalid date and time "{value}": write "YYYY-MM-DD HH:mm" in Italian time',
	'election.dateTimeGap': '"{value}" does not exist in Italian time (daylight-saving change)',
	'election.url': 'Invalid source "{value}": give the https address of the official source',
	'election.id': 'Invalid id "{value}": lower-case letters, digits and dashes only',
	'election.duplicateId': 'Id "{id}" is used twice',
	'election.region': 'Unknown ISTAT region code "{value}" (01 to 20)',
	'election.comune': 'Unknown ISTAT comune code "{value}"',
	'election.emptyList': 'The list is empty',
	'election.missingDecree': 'Missing "decreeDate", the publication date of the convocation decree',
	'election.missingDecreeComunali': 'Missing start: give "decreeDate" or "firstVoteDay" (the decree is the 45th day before)',
	'election.decreeAfterVote': 'The decree ({decree}) must come before the polls close ({close})',
	'election.firstVoteAfterClose': 'The first voting day ({first}) is after the polls close ({close})',
	'election.runoffBeforeClose': 'The runoff ({runoff}) must close after the first round ({close})',
	'election.scopeNational': '"{kind}" votes bind every comune: scope must be {"kind":"national"}',
	'election.scopeRegional': 'Regional votes need a "regions" scope without "comuniListed": false',
	'election.scopeComunali': 'A comunali round must list its comuni or say "comuniListed": false',
	'election.unknownComune': 'No comune has ISTAT code "{code}" in the shipped ISTAT list ({state})',
	'election.badComuneCode': '"{code}" is not an ISTAT comune code (6 digits)',
	'election.instant': 'Invalid instant "{value}": an ISO 8601 date is needed',
	'election.json': 'Not valid JSON: {detail}',
};

const PLACEHOLDER = /\{(\w+)\}/g;

function fill(template: string, params: Record<string, string | number>): string {
	return template.replace(PLACEHOLDER, (whole, name: string) =>
		Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
	);
}

export function problem(
	path: ReadonlyArray<string | number>,
	code: ElectionMessageKey,
	params: Record<string, string | number> = {},
): ElectionProblem {
	return { path: formatPath(path), code, message: fill(itElection[code], params), english: fill(ENGLISH[code], params) };
}

export function formatPath(path: ReadonlyArray<string | number>): string {
	let out = '';
	for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
	return out;
}

/** A calendar day that exists. */
export function parseDay(text: string): DateTime | null {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
	const dt = DateTime.fromISO(text, { zone: ZONE });
	return dt.isValid ? dt : null;
}

/** "YYYY-MM-DD HH:mm" read as Italian local time; null when malformed or inside the DST gap. */
export function parseLocal(text: string): DateTime | null {
	if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(text)) return null;
	const dt = DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm', { zone: ZONE });
	if (!dt.isValid) return null;
	// luxon moves a time in the spring-forward gap; such a time was never on a clock in Italy.
	return dt.toFormat('yyyy-MM-dd HH:mm') === text ? dt : null;
}

function isHttpUrl(text: string): boolean {
	if (!/^https?:\/\/\S+$/.test(text)) return false;
	try {
		new URL(text);
		return true;
	} catch {
		return false;
	}
}

const DAY = z.string().refine((s) => parseDay(s) !== null, { params: { election: 'election.date' } });
const LOCAL = z.string().refine((s) => parseLocal(s) !== null, { params: { election: 'election.dateTime' } });
const REGION = z.string().regex(/^(0[1-9]|1\d|20)$/, { message: 'election.region' });
const COMUNE = z.string().regex(/^\d{6}$/, { message: 'election.comune' });

export const scopeSchema = z.discriminatedUnion('kind', [
	z.object({ kind: z.literal('national') }).strict(),
	z
		.object({
			kind: z.literal('regions'),
			regions: z.array(REGION).min(1),
			/** false: only some comuni of these regions vote, and the calendar does not know which. */
			comuniListed: z.boolean().optional(),
		})
		.strict(),
	z.object({ kind: z.literal('comuni'), comuni: z.array(COMUNE).min(1) }).strict(),
]);

export const voteSchema = z
	.object({
		id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'election.id' }),
		kind: z.enum(VOTE_KINDS),
		name: z.string().trim().min(1),
		/** Publication of the convocation decree (GU, regional bulletin); the period starts that day. */
		decreeDate: DAY.optional(),
		/** First voting day; for comunali without decreeDate the period starts 45 days before it. */
		firstVoteDay: DAY.optional(),
		/** Polls close of the (last day of the) first round, "YYYY-MM-DD HH:mm" Europe/Rome. */
		pollsClose: LOCAL,
		/** Polls close of the runoff, when the vote has one. */
		runoffClose: LOCAL.optional(),
		scope: scopeSchema,
		/** The official source: Gazzetta Ufficiale, Ministero dell'Interno, regional bulletin. */
		source: z.string().refine(isHttpUrl, { params: { election: 'election.url' } }),
		note: z.string().optional(),
	})
	.strict();

export const calendarSchema = z
	.object({
		version: z.literal(1),
		/** Date the file was last checked against its sources. */
		updated: DAY.optional(),
		votes: z.array(voteSchema),
	})
	.strict();

export type Scope = z.infer<typeof scopeSchema>;
export type Vote = z.infer<typeof voteSchema>;
export type ElectionCalendar = z.infer<typeof calendarSchema>;

/** zod issues as problems; `input` is the raw file, to quote the offending value. */
export function fromZodIssues(issues: ZodIssue[], input: unknown): ElectionProblem[] {
	const out: ElectionProblem[] = [];
	for (const issue of issues) {
		const value = valueAt(input, issue.path);
		const quoted = typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value) ?? '';
		if (issue.code === 'unrecognized_keys') {
			for (const key of issue.keys) out.push(problem([...issue.path, key], 'election.unknownKey', { key }));
			continue;
		}
		if (issue.code === 'invalid_type') {
			out.push(
				issue.received === 'undefined'
					? problem(issue.path, 'election.required')
					: problem(issue.path, 'election.type', { expected: issue.expected, received: issue.received }),
			);
			continue;
		}
		if (issue.code === 'invalid_enum_value' || issue.code === 'invalid_literal') {
			const options =
				issue.code === 'invalid_enum_value' ? issue.options.join(', ') : JSON.stringify(issue.expected);
			out.push(problem(issue.path, 'election.enum', { options }));
			continue;
		}
		if (issue.code === 'invalid_union_discriminator') {
			out.push(problem(issue.path, 'election.enum', { options: issue.options.map(String).join(', ') }));
			continue;
		}
		if (issue.code === 'too_small' && issue.type === 'array') {
			out.push(problem(issue.path, 'election.emptyList'));
			continue;
		}
		if (issue.code === 'too_small' && issue.type === 'string') {
			out.push(problem(issue.path, 'election.required'));
			continue;
		}
		const custom = issue.code === 'custom' ? (issue.params?.election as ElectionMessageKey | undefined) : undefined;
		const key = custom ?? (issue.message in itElection ? (issue.message as ElectionMessageKey) : undefined);
		if (key) {
			out.push(problem(issue.path, key, { value: quoted }));
			continue;
		}
		out.push(problem(issue.path, 'election.type', { expected: issue.message, received: quoted }));
	}
	return out;
}

function valueAt(input: unknown, path: ReadonlyArray<string | number>): unknown {
	let cur: unknown = input;
	for (const seg of path) {
		if (cur === null || typeof cur !== 'object') return undefined;
		cur = (cur as Record<string | number, unknown>)[seg];
	}
	return cur;
}
