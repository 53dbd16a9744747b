// A matcher for the plain selectors presets and most custom settings use ("h2", ".category-top .data",
// "li.notizia", ".card-title:not(.big-heading)", "div[data-object_id]"). Testing them while walking a
// card once is several times cheaper than one page-wide query per field, which matters on a
// 500-card page. Anything fancier returns null here and goes to cheerio's full CSS engine.
import type { AnyNode, Element } from '../vendor';
import { hasClass, isElement } from './dom';

interface Compound {
	tag?: string;
	classes: string[];
	attrs: Array<{ name: string; value?: string }>;
	not: Compound[];
}

interface Step {
	compound: Compound;
	/** How this step relates to the next one on its right: ' ' ancestor, '>' parent. */
	combinator: ' ' | '>';
}

/** Alternatives of a selector list; each is a chain of steps, the subject last. */
export type SimpleSelector = Step[][];

const IDENT = '-?[_a-zA-Z][-_a-zA-Z0-9]*';
const PART = new RegExp(
	`^(?:(${IDENT}|\\*)|\\.(${IDENT})|#(${IDENT})|\\[\\s*(${IDENT})\\s*(?:=\\s*(?:"([^"]*)"|'([^']*)'|(${IDENT}))\\s*)?\\]|:not\\(([^()]*)\\))`,
);

export function parseSimple(selector: string): SimpleSelector | null {
	const alternatives = selector.split(',');
	const out: SimpleSelector = [];
	for (const alternative of alternatives) {
		const chain = parseChain(alternative.trim());
		if (!chain) return null;
		out.push(chain);
	}
	return out.length ? out : null;
}

function parseChain(text: string): Step[] | null {
	if (!text) return null;
	const steps: Step[] = [];
	const tokens = text.replace(/\s*>\s*/g, ' > ').trim().split(/\s+/);
	let combinator: ' ' | '>' = ' ';
	for (const token of tokens) {
		if (token === '>') {
			if (steps.length === 0 || combinator === '>') return null;
			combinator = '>';
			continue;
		}
		const compound = parseCompound(token);
		if (!compound) return null;
		if (steps.length) steps[steps.length - 1].combinator = combinator;
		steps.push({ compound, combinator: ' ' });
		combinator = ' ';
	}
	return combinator === '>' || steps.length === 0 ? null : steps;
}

function parseCompound(text: string): Compound | null {
	if (!text) return null;
	const compound: Compound = { classes: [], attrs: [], not: [] };
	let rest = text;
	let first = true;
	while (rest) {
		const match = PART.exec(rest);
		if (!match) return null;
		const [whole, tag, cls, id, attr, dq, sq, bare, not] = match;
		if (tag !== undefined) {
			if (!first) return null;
			if (tag !== '*') compound.tag = tag.toLowerCase();
		} else if (cls !== undefined) compound.classes.push(cls);
		else if (id !== undefined) compound.attrs.push({ name: 'id', value: id });
		else if (attr !== undefined) compound.attrs.push({ name: attr.toLowerCase(), value: dq ?? sq ?? bare });
		else if (not !== undefined) {
			for (const part of not.split(',')) {
				const inner = parseCompound(part.trim());
				if (!inner) return null;
				compound.not.push(inner);
			}
		}
		rest = rest.slice(whole.length);
		first = false;
	}
	return compound;
}

export function matchesSimple(el: Element, selector: SimpleSelector): boolean {
	return selector.some((chain) => matchChain(el, chain, chain.length - 1));
}

function matchChain(el: Element, chain: Step[], index: number): boolean {
	if (!matchCompound(el, chain[index].compound)) return false;
	if (index === 0) return true;
	const combinator = chain[index - 1].combinator;
	for (let node: AnyNode | null = el.parent; node; node = node.parent) {
		if (!isElement(node)) return false;
		if (matchChain(node, chain, index - 1)) return true;
		if (combinator === '>') return false;
	}
	return false;
}

function matchCompound(el: Element, compound: Compound): boolean {
	if (compound.tag && el.name !== compound.tag) return false;
	for (const name of compound.classes) if (!hasClass(el, name)) return false;
	for (const { name, value } of compound.attrs) {
		const actual = el.attribs[name];
		if (actual === undefined || (value !== undefined && actual !== value)) return false;
	}
	for (const inner of compound.not) if (matchCompound(el, inner)) return false;
	return true;
}
