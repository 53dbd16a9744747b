// A message as WhatsApp will show it: a chat bubble, *bold*, _italic_, ~strike~, ```mono```, links.
// The text is escaped first; only our own tags are added around escaped parts.
import { t } from '../../../core/messages';
import { fitText } from '../../../core/whatsapp/format';
import { LIMITS } from '../../../core/whatsapp/limits';
import { escapeHtml, html, safe, type Html } from './html';

const URL = /https?:\/\/[^\s<>"']+/g;
const MARKS: Array<[RegExp, string]> = [
	[/```([^`]+?)```/g, 'code'],
	[/\*([^*\n]+)\*/g, 'strong'],
	[/_([^_\n]+)_/g, 'em'],
	[/~([^~\n]+)~/g, 's'],
];

function markup(text: string): string {
	let out = escapeHtml(text);
	for (const [pattern, tag] of MARKS) out = out.replace(pattern, `<${tag}>$1</${tag}>`);
	return out;
}

export function whatsappHtml(text: string): Html {
	let out = '';
	let last = 0;
	for (const match of text.matchAll(URL)) {
		const at = match.index ?? 0;
		out += markup(text.slice(last, at));
		const url = escapeHtml(match[0]);
		out += `<a href="${url}" rel="noopener noreferrer nofollow">${url}</a>`;
		last = at + match[0].length;
	}
	out += markup(text.slice(last));
	return safe(out);
}

/** The text as the WhatsApp node will post it: a caption when there is an image, else a text. */
export const postedText = (text: string, image: string | null): string => fitText(text, image ? LIMITS.caption : LIMITS.text);

export function bubble(text: string, meta: string, emergency = false): Html {
	return html`<figure class="wa-chat mb-0"><figcaption class="visually-hidden">${t('admin.queue.preview')}</figcaption>
	<div class="wa-bubble${emergency ? ' wa-emergency' : ''}">${whatsappHtml(text)}<span class="wa-meta">${meta}</span></div></figure>`;
}
