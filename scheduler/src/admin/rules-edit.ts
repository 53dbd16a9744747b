// Form fields → the rules file's YAML, edited in place (the office's comments stay where they are),
// then checked by the same loadRules as the file. Problems are mapped back to the form's fields.
import { t } from '../../../core/messages';
import { isMap, isScalar, isSeq, parseDocument, type YamlDocument } from '../../../core/vendor';
import type { RuleProblem } from '../../../core/rules';
import type { FieldError } from './layout';

export const SECTIONS = ['quota', 'categories', 'blocked', 'period-add', 'period-remove', 'persons', 'message'] as const;
export type Section = (typeof SECTIONS)[number];

type Form = Record<string, string>;

export function parseRules(source: string): YamlDocument {
	return parseDocument(source, { version: '1.2', keepSourceTokens: false });
}

/** A number when the field holds one; otherwise the text itself, so the check names the mistake. */
function numberOrText(value: string | undefined): number | string {
	const text = (value ?? '').trim();
	return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

const lines = (value: string | undefined): string[] =>
	(value ?? '')
		.split(/\r?\n/)
		.map((l) => l.trim())
		.filter(Boolean);

const checked = (value: string | undefined): boolean => value === 'on' || value === 'true' || value === '1';

type Scalar = string | number | boolean;
type Item = string | Record<string, string>;
const PLAIN = /^[\p{L}\p{N}/(][^:#\n]*$/u;
const RESERVED = /^(true|false|null|yes|no|on|off|~|[-+]?[\d.]+(e[-+]?\d+)?)$/i;

/** A value as YAML text: plain when that reads the same, else double-quoted (JSON is valid YAML). */
function yamlText(value: Scalar, quoted = false): string {
	if (typeof value !== 'string') return String(value);
	return !quoted && PLAIN.test(value) && value === value.trim() && !RESERVED.test(value) ? value : JSON.stringify(value);
}

function itemText(item: Item): string {
	if (typeof item === 'string') return yamlText(item);
	return `{ ${Object.entries(item)
		.map(([k, v]) => `${k}: ${yamlText(v, k !== 'name')}`)
		.join(', ')} }`;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Edits a rules file the way a person would: only the changed values are rewritten in the text, so
 * every comment and alignment stays. A change the text cannot take in place (a new key, a removed
 * section) falls back to the YAML library's own rendering, which still keeps the comments.
 */
class Editor {
	private readonly splices: Array<{ start: number; end: number; text: string }> = [];
	private structural = false;
	readonly doc: YamlDocument;

	constructor(private readonly source: string) {
		this.doc = parseRules(source);
	}

	/** Sets a value; `fallback` is its default: an absent key that keeps it is left out. */
	scalar(path: Array<string | number>, value: Scalar, fallback?: Scalar, quoted = false): void {
		const node = this.doc.getIn(path, true);
		if (isScalar(node) && node.range) {
			if (node.value === value) return;
			const keepQuotes = quoted || node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
			if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') this.structural = true;
			else this.splices.push(this.aligned(node.range[0], node.range[1], yamlText(value, keepQuotes)));
			node.value = value;
			return;
		}
		if (node === undefined && fallback !== undefined && value === fallback) return;
		this.structural = true;
		const created = this.doc.createNode(value);
		if (quoted && isScalar(created)) created.type = 'QUOTE_DOUBLE';
		this.doc.setIn(path, created);
	}

	/** A value followed by a comment keeps the comment in its column. */
	private aligned(start: number, end: number, text: string): { start: number; end: number; text: string } {
		let spaces = 0;
		while (this.source[end + spaces] === ' ') spaces++;
		if (spaces === 0 || this.source[end + spaces] !== '#') return { start, end, text };
		return { start, end: end + spaces, text: text + ' '.repeat(Math.max(1, end - start + spaces - text.length)) };
	}

	list(path: Array<string | number>, items: Item[]): void {
		const node = this.doc.getIn(path, true);
		if (isSeq(node) && node.range) {
			if (same(node.toJSON(), items)) return;
			const [start, end] = node.range;
			if (node.flow) this.splices.push(this.aligned(start, end, `[${items.map(itemText).join(', ')}]`));
			else {
				const indent = this.source.slice(this.source.lastIndexOf('\n', start - 1) + 1, start);
				const text = items.length ? items.map((item) => `- ${itemText(item)}`).join(`\n${indent}`) : '[]';
				this.splices.push({ start, end, text: this.source[end - 1] === '\n' ? `${text}\n` : text });
			}
			node.items = items.map((item) => this.doc.createNode(item));
			return;
		}
		if (node === undefined && items.length === 0) return;
		this.structural = true;
		this.doc.setIn(path, this.doc.createNode(items));
	}

	remove(path: Array<string | number>): void {
		if (!this.doc.hasIn(path)) return;
		this.structural = true;
		this.doc.deleteIn(path);
	}

	text(): string {
		if (this.structural) return this.doc.toString({ lineWidth: 0, flowCollectionPadding: false });
		let out = this.source;
		for (const s of [...this.splices].sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
		return out;
	}
}

function count(doc: YamlDocument, path: string[]): number {
	const node = doc.getIn(path, true);
	return isSeq(node) ? node.items.length : 0;
}

function periodsOf(doc: YamlDocument): Array<Record<string, string>> {
	const node = doc.getIn(['election', 'periods'], true);
	const list = isSeq(node) ? (node.toJSON() as unknown[]) : [];
	return list.map((p) => Object.fromEntries(Object.entries((p ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v ?? '')])));
}

/** Applies one form of the rules page to the YAML text. */
export function applyForm(source: string, section: Section, form: Form): string {
	const e = new Editor(source);
	const doc = e.doc;
	switch (section) {
		case 'quota': {
			if (form.perWeek !== undefined) e.scalar(['quota', 'perWeek'], numberOrText(form.perWeek), 10);
			if (form.week !== undefined) e.scalar(['quota', 'week'], form.week, 'iso');
			e.scalar(['quota', 'emergenciesExempt'], checked(form.emergenciesExempt), true);
			if (form.minSpacingMinutes !== undefined) e.scalar(['quota', 'minSpacingMinutes'], numberOrText(form.minSpacingMinutes), 0);
			e.scalar(['quota', 'pacing'], checked(form.pacing), false);
			const from = (form.quietFrom ?? '').trim();
			const to = (form.quietTo ?? '').trim();
			if (!from && !to) e.remove(['quota', 'quietHours']);
			else {
				if (!isMap(doc.getIn(['quota', 'quietHours'], true))) e.remove(['quota', 'quietHours']);
				e.scalar(['quota', 'quietHours', 'from'], from, undefined, true);
				e.scalar(['quota', 'quietHours', 'to'], to, undefined, true);
			}
			break;
		}
		case 'categories': {
			for (let i = 0; i < count(doc, ['categories']); i++) {
				if (form[`label-${i}`] === undefined) continue;
				e.scalar(['categories', i, 'label'], form[`label-${i}`].trim());
				if (form[`emoji-${i}`] !== undefined) e.scalar(['categories', i, 'emoji'], form[`emoji-${i}`].trim(), '', true);
				if (form[`priority-${i}`] !== undefined) e.scalar(['categories', i, 'priority'], numberOrText(form[`priority-${i}`]), 0);
				e.scalar(['categories', i, 'emergency'], checked(form[`emergency-${i}`]), false);
				e.scalar(['categories', i, 'approval'], checked(form[`approval-${i}`]), false);
				e.list(['categories', i, 'match', 'words'], lines(form[`words-${i}`]));
			}
			break;
		}
		case 'blocked': {
			for (let i = 0; i < count(doc, ['blocked']); i++) {
				if (form[`blocked-${i}`] !== undefined) e.list(['blocked', i, 'words'], lines(form[`blocked-${i}`]));
			}
			break;
		}
		case 'period-add': {
			const period = { name: (form.name ?? '').trim(), start: (form.start ?? '').trim(), end: (form.end ?? '').trim() };
			e.list(['election', 'periods'], [...periodsOf(doc), period]);
			break;
		}
		case 'period-remove': {
			const index = Number(form.index);
			const periods = periodsOf(doc);
			if (Number.isInteger(index) && index >= 0 && index < periods.length) e.list(['election', 'periods'], periods.filter((_p, i) => i !== index));
			break;
		}
		case 'persons':
			e.list(['election', 'persons'], lines(form.persons));
			break;
		case 'message': {
			e.scalar(['message', 'footer'], (form.footer ?? '').replace(/\r\n?/g, '\n').trim(), '');
			if (form.template !== undefined) e.scalar(['message', 'template'], form.template.replace(/\r\n?/g, '\n'), undefined, true);
			break;
		}
	}
	return e.text();
}

/** The form field a problem belongs to (its id in the page), from its path in the rules. */
export function fieldOf(problem: RuleProblem, section: Section | 'import', periods: number): string {
	if (section === 'import') return 'import-text';
	const p = problem.path;
	let m: RegExpMatchArray | null;
	if (p.startsWith('quota.quietHours')) return 'quietFrom';
	if ((m = p.match(/^quota\.(perWeek|week|minSpacingMinutes)/))) return m[1];
	if ((m = p.match(/^categories\[(\d+)\]\.(label|emoji|priority)/))) return `${m[2]}-${m[1]}`;
	if ((m = p.match(/^categories\[(\d+)\]/))) return `words-${m[1]}`;
	if ((m = p.match(/^blocked\[(\d+)\]/))) return `blocked-${m[1]}`;
	if ((m = p.match(/^election\.periods\[(\d+)\]\.(name|start|end)/)) && Number(m[1]) === periods - 1 && section === 'period-add') return `period-${m[2]}`;
	if (p.startsWith('election.persons')) return 'persons';
	if (p.startsWith('message.template')) return 'template';
	if (p.startsWith('message')) return 'footer';
	if (section === 'period-add') return 'period-name';
	return FIRST_FIELD[section];
}

const FIRST_FIELD: Record<Section, string> = {
	quota: 'perWeek',
	categories: 'label-0',
	blocked: 'blocked-0',
	'period-add': 'period-name',
	'period-remove': 'periods',
	persons: 'persons',
	message: 'footer',
};

/** Plain Italian: the problem and its hint; a line number only for a pasted file. */
export function problemErrors(problems: RuleProblem[], section: Section | 'import', periods: number): FieldError[] {
	return problems.map((problem) => {
		const text = problem.hint ? `${problem.message}. ${problem.hint}` : `${problem.message}.`;
		const where = section === 'import' && problem.line ? `${t('admin.rules.at', { line: problem.line })}: ` : '';
		return { field: fieldOf(problem, section, periods), message: `${where}${text}` };
	});
}
