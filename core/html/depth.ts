// A bound on how deep a page nests before the HTML parser sees it. htmlparser2 keeps its open
// elements in an array it shifts at the front, and the selector engine walks with one too, so each
// level costs as much as the levels above it: a 1 MB page of 100,000 nested <div>s took 49 s. Real
// pages nest a few dozen levels; tags deeper than MAX_DEPTH are dropped (their text stays), which
// keeps every later step linear and the recursive walkers far from the stack limit.

export const MAX_DEPTH = 400;

const TOKEN = /<!--[\s\S]*?-->|<(\/?)([a-zA-Z][\w:-]*)[^>]*>/g;
const VOID = new Set(['area', 'base', 'basefont', 'bgsound', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'image', 'img', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
// Their content is text to the parser: tags inside do not count.
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);
const RAW_END = Object.fromEntries([...RAW_TEXT].map((name) => [name, new RegExp(`</${name}`, 'gi')]));
const FOREIGN = new Set(['svg', 'math']);

// The elements an opening tag closes when one of them is open at the top (htmlparser2's rules), so
// pages with unclosed <p> and <li> do not look deeper than they are.
const P = ['p'];
const FORM = ['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea'];
const IMPLIES_CLOSE: Record<string, Set<string>> = {};
const implies = (names: string[], closes: string[]) => names.forEach((name) => (IMPLIES_CLOSE[name] = new Set(closes)));
implies(['tr'], ['tr', 'th', 'td']);
implies(['th'], ['th']);
implies(['td'], ['thead', 'th', 'td']);
implies(['body'], ['head', 'link', 'script']);
implies(['li'], ['li']);
implies(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6'], P);
implies(['select', 'input', 'output', 'button', 'datalist', 'textarea'], FORM);
implies(['option'], ['option']);
implies(['optgroup'], ['optgroup', 'option']);
implies(['dd', 'dt'], ['dd', 'dt']);
implies(['rt', 'rp'], ['rt', 'rp']);
implies(['tbody', 'tfoot'], ['thead', 'tbody']);
implies(
	['address', 'article', 'aside', 'blockquote', 'details', 'div', 'dl', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hr', 'main', 'nav', 'ol', 'pre', 'section', 'table', 'ul'],
	P,
);

/** The page with the tags nested deeper than `max` removed; the same string when none are. */
export function limitDepth(html: string, max = MAX_DEPTH): string {
	const stack: string[] = [];
	const dropped = new Map<string, number>();
	const cuts: Array<[number, number]> = [];
	let foreign = 0;
	TOKEN.lastIndex = 0;
	for (let match = TOKEN.exec(html); match; match = TOKEN.exec(html)) {
		const [tag, slash, rawName] = match;
		if (rawName === undefined) continue;
		const name = rawName.toLowerCase();
		const end = match.index + tag.length;
		if (slash) {
			const pending = dropped.get(name) ?? 0;
			if (pending > 0) {
				dropped.set(name, pending - 1);
				cuts.push([match.index, end]);
				continue;
			}
			const at = stack.lastIndexOf(name);
			if (at >= 0) {
				for (let i = at; i < stack.length; i++) if (FOREIGN.has(stack[i])) foreign--;
				stack.length = at;
			}
			continue;
		}
		if (VOID.has(name) || (foreign > 0 && tag.endsWith('/>'))) continue;
		const closes = IMPLIES_CLOSE[name];
		while (closes && stack.length > 0 && closes.has(stack[stack.length - 1])) stack.pop();
		if (stack.length >= max) {
			dropped.set(name, (dropped.get(name) ?? 0) + 1);
			cuts.push([match.index, end]);
		} else {
			stack.push(name);
			if (FOREIGN.has(name)) foreign++;
		}
		if (RAW_TEXT.has(name)) {
			// Jump over the content to its closing tag (the parser reads it as text).
			const close = RAW_END[name];
			close.lastIndex = end;
			TOKEN.lastIndex = close.exec(html)?.index ?? html.length;
		}
	}
	if (cuts.length === 0) return html;
	let out = '';
	let from = 0;
	for (const [start, end] of cuts) {
		out += html.slice(from, start);
		from = end;
	}
	return out + html.slice(from);
}
