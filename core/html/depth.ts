// A bound on how deep a page nests before the HTML parser sees it. htmlparser2 keeps its open
// elements in an array it shifts at the front, and the selector engine walks with one too, so each
// level costs as much as the levels above it: a 1 MB page of 100,000 nested <div>s took 49 s. Real
// pages nest a few dozen levels; tags deeper than MAX_DEPTH are dropped (their text stays), which
// keeps every later step linear and the recursive walkers far from the stack limit.

export const MAX_DEPTH = 400;

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
	// A hand-written scan (indexOf and char codes): a regex with captures cost a 500-card page 10 ms.
	for (let at = html.indexOf('<'); at >= 0 && at < html.length; at = html.indexOf('<', at + 1)) {
		const next = html.charCodeAt(at + 1);
		if (next === 0x21 /* ! */) {
			if (html.startsWith('<!--', at)) {
				const close = html.indexOf('-->', at + 4);
				if (close < 0) break;
				at = close + 2;
			}
			continue;
		}
		const start = at;
		const slash = next === 0x2f; /* / */
		const nameStart = slash ? at + 2 : at + 1;
		if (!isLetter(html.charCodeAt(nameStart))) continue;
		let nameEnd = nameStart + 1;
		while (nameEnd < html.length && isNameChar(html.charCodeAt(nameEnd))) nameEnd++;
		const gt = html.indexOf('>', nameEnd);
		if (gt < 0) break;
		const name = html.slice(nameStart, nameEnd).toLowerCase();
		const end = gt + 1;
		if (slash) {
			const pending = dropped.get(name) ?? 0;
			if (pending > 0) {
				dropped.set(name, pending - 1);
				cuts.push([start, end]);
			} else {
				const open = stack.lastIndexOf(name);
				if (open >= 0) {
					for (let i = open; i < stack.length; i++) if (FOREIGN.has(stack[i])) foreign--;
					stack.length = open;
				}
			}
			at = gt;
			continue;
		}
		at = gt;
		if (VOID.has(name) || (foreign > 0 && html.charCodeAt(gt - 1) === 0x2f)) continue;
		const closes = IMPLIES_CLOSE[name];
		while (closes && stack.length > 0 && closes.has(stack[stack.length - 1])) stack.pop();
		if (stack.length >= max) {
			dropped.set(name, (dropped.get(name) ?? 0) + 1);
			cuts.push([start, end]);
		} else {
			stack.push(name);
			if (FOREIGN.has(name)) foreign++;
		}
		if (RAW_TEXT.has(name)) {
			// Jump over the content to its closing tag (the parser reads it as text).
			const close = RAW_END[name];
			close.lastIndex = end;
			const found = close.exec(html);
			if (!found) break;
			at = found.index - 1;
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

function isLetter(code: number): boolean {
	return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

function isNameChar(code: number): boolean {
	return isLetter(code) || (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x5f || code === 0x3a;
}
