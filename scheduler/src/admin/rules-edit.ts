// Form fields → the rules file's YAML, edited in place (the office's comments stay where they are),
// then checked by the same loadRules as the file. Problems are mapped back to the form's fields.
import { t } from '../../../core/messages';
import { isMap, isScalar, isSeq, parseDocument, type YamlDocument } from '../../../core/vendor';
import type { RuleProblem } from '../../../core/rules';
import type { FieldError } from './layout';

export const SECTIONS = ['quota', 'categories', 'category-add', 'category-remove', 'blocked', 'period-add', 'period-remove', 'persons', 'message'] as const;
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

	/** Appends a map to a block list as text after its last item (the comments around stay put). */
	append(path: Array<string | number>, value: Block): void {
		const node = this.doc.getIn(path, true);
		const last = isSeq(node) && !node.flow ? rangeOf(node.items.at(-1)) : null;
		if (!isSeq(node) || !last) {
			this.structural = true;
			this.doc.addIn(path, this.doc.createNode(value));
			return;
		}
		const pad = ' '.repeat(last[0] - (this.source.lastIndexOf('\n', last[0] - 1) + 1));
		const lines = blockLines(value, pad);
		lines[0] = `${pad.slice(2)}- ${lines[0].trimStart()}`;
		const before = this.source[last[1] - 1] === '\n' ? '' : '\n';
		this.splices.push({ start: last[1], end: last[1], text: `${before}\n${lines.join('\n')}\n` });
		node.items.push(this.doc.createNode(value));
	}

	/** Removes one item of a block list from the text, its own lines only. */
	removeItem(path: Array<string | number>, index: number): void {
		const node = this.doc.getIn(path, true);
		if (!isSeq(node)) return;
		const ranges = node.items.map(rangeOf);
		const [previous, item, next] = [ranges[index - 1], ranges[index], ranges[index + 1]];
		const lineOf = (at: number) => this.source.lastIndexOf('\n', at - 1) + 1;
		if (node.flow || !item || ranges.length < 2 || ranges.some((r) => !r)) {
			this.structural = true;
			this.doc.deleteIn([...path, index]);
			return;
		}
		// Its own lines and one blank line next to them; a comment above the next item stays.
		const start = next ? lineOf(item[0]) : previous![1];
		const blank = next && this.source[item[1]] === '\n';
		this.splices.push({ start, end: item[1] + (blank ? 1 : 0), text: '' });
		node.items.splice(index, 1);
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

/** A map written as block YAML; an emoji is always quoted (YAML reads some symbols otherwise). */
type Block = { [key: string]: Scalar | string[] | Block };

function blockLines(value: Block, pad: string): string[] {
	return Object.entries(value).flatMap(([key, v]): string[] => {
		if (typeof v !== 'object') return [`${pad}${key}: ${yamlText(v, key === 'emoji')}`];
		if (Array.isArray(v)) return v.length ? [`${pad}${key}:`, ...v.map((w) => `${pad}  - ${yamlText(w)}`)] : [`${pad}${key}: []`];
		return [`${pad}${key}:`, ...blockLines(v, `${pad}  `)];
	});
}

/** The id of a new category from its label: «Città e cultura» → citta-e-cultura. */
export function categoryId(label: string): string {
	return label
		.normalize('NFD')
		.replace(/\p{M}/gu, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
}

export function categoriesOf(doc: YamlDocument): Array<{ id: string; label: string }> {
	const node = doc.getIn(['categories'], true);
	const list = isSeq(node) ? (node.toJSON() as unknown[]) : [];
	return list.map((c) => ({ id: String((c as { id?: unknown })?.id ?? ''), label: String((c as { label?: unknown })?.label ?? '') }));
}

const rangeOf = (node: unknown): [number, number] | null => {
	const range = (node as { range?: [number, number, number] } | null)?.range;
	return range ? [range[0], range[1]] : null;
};

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
			e.scalar(['quota', 'digest', 'enabled'], checked(form.digestEnabled), false);
			if (form.digestMaxPriority !== undefined) e.scalar(['quota', 'digest', 'maxPriority'], numberOrText(form.digestMaxPriority), 10);
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
				if (form[`unless-${i}`] !== undefined) e.list(['categories', i, 'match', 'unless'], lines(form[`unless-${i}`]));
			}
			break;
		}
		case 'category-add': {
			const category: Block = { id: categoryId(form.label ?? ''), label: (form.label ?? '').trim() };
			if ((form.emoji ?? '').trim()) category.emoji = form.emoji.trim();
			if ((form.priority ?? '').trim()) category.priority = numberOrText(form.priority);
			if (checked(form.emergency)) category.emergency = true;
			if (checked(form.approval)) category.approval = true;
			category.match = { words: lines(form.words) };
			e.append(['categories'], category);
			break;
		}
		case 'category-remove': {
			const index = categoriesOf(doc).findIndex((c) => c.id === form.id);
			if (index < 0) break;
			e.removeItem(['categories'], index);
			// The election lists name categories: a removed one leaves them too.
			for (const key of ['pass', 'reject']) {
				const node = doc.getIn(['election', key], true);
				const ids = isSeq(node) ? (node.toJSON() as unknown[]).map(String) : [];
				if (ids.includes(form.id)) e.list(['election', key], ids.filter((id) => id !== form.id));
			}
			break;
		}
		case 'blocked': {
			for (let i = 0; i < count(doc, ['blocked']); i++) {
				if (form[`blocked-${i}`] !== undefined) e.list(['blocked', i, 'words'], lines(form[`blocked-${i}`]));
				if (form[`blocked-review-${i}`] !== undefined) e.list(['blocked', i, 'review'], lines(form[`blocked-review-${i}`]));
				if (form[`blocked-unless-${i}`] !== undefined) e.list(['blocked', i, 'unless'], lines(form[`blocked-unless-${i}`]));
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
			if (form.votes !== undefined) e.list(['election', 'votes'], lines(form.votes));
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
	// `periods` is the length of the list an add form grew: the new category's problems are its own.
	if (section === 'category-add' && (m = p.match(/^categories\[(\d+)\](?:\.(label|emoji|priority))?/)) && Number(m[1]) === periods - 1) return `new-${m[2] ?? 'words'}`;
	if (p.startsWith('quota.quietHours')) return 'quietFrom';
	if ((m = p.match(/^quota\.(perWeek|week|minSpacingMinutes)/))) return m[1];
	if (p.startsWith('quota.digest')) return 'digestMaxPriority';
	if ((m = p.match(/^categories\[(\d+)\]\.(label|emoji|priority)/))) return `${m[2]}-${m[1]}`;
	if ((m = p.match(/^categories\[(\d+)\]\.match\.unless/))) return `unless-${m[1]}`;
	if ((m = p.match(/^categories\[(\d+)\]/))) return `words-${m[1]}`;
	if ((m = p.match(/^blocked\[(\d+)\]\.(review|unless)/))) return `blocked-${m[2]}-${m[1]}`;
	if ((m = p.match(/^blocked\[(\d+)\]/))) return `blocked-${m[1]}`;
	if (p.startsWith('election.votes') || p === 'istat') return 'votes';
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
	'category-add': 'new-label',
	'category-remove': 'main',
	blocked: 'blocked-0',
	'period-add': 'period-name',
	'period-remove': 'periods',
	persons: 'persons',
	message: 'footer',
};

/** What an add or remove form gets wrong in its own terms, before the rules' checks. */
export function formErrors(source: string, section: Section | 'import', form: Form): FieldError[] {
	const doc = parseRules(source);
	if (section === 'category-add') {
		const label = (form.label ?? '').trim();
		const id = categoryId(label);
		const errors: FieldError[] = [];
		if (!label) errors.push({ field: 'new-label', message: t('admin.rules.categoryNoLabel') });
		else if (!id) errors.push({ field: 'new-label', message: t('admin.rules.categoryBadLabel') });
		else if (categoriesOf(doc).some((c) => c.id === id)) errors.push({ field: 'new-label', message: t('admin.rules.categoryDuplicate', { label, id }) });
		if (!lines(form.words).length) errors.push({ field: 'new-words', message: t('admin.rules.categoryNoWords') });
		return errors;
	}
	if (section === 'category-remove' && form.id && doc.get('fallbackCategory') === form.id) {
		return [{ field: 'main', message: t('admin.rules.categoryFallbackKept', { label: categoriesOf(doc).find((c) => c.id === form.id)?.label ?? form.id }) }];
	}
	return [];
}

/** Plain Italian: the problem and its hint; a line number only for a pasted file. */
export function problemErrors(problems: RuleProblem[], section: Section | 'import', periods: number): FieldError[] {
	return problems.map((problem) => {
		const text = problem.hint ? `${problem.message}. ${problem.hint}` : `${problem.message}.`;
		const where = section === 'import' && problem.line ? `${t('admin.rules.at', { line: problem.line })}: ` : '';
		return { field: fieldOf(problem, section, periods), message: `${where}${text}` };
	});
}
