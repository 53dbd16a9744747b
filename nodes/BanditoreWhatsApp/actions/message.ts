import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import type { NewsItem } from '../../../core/item';
import { missingNewsFields } from '../../../core/item';
import { fitText, formatItem, LIMITS, type TextKind } from '../../../core/whatsapp';

export interface Post {
	text: string;
	image: string | null;
	/** caption when there is an image, text otherwise. */
	kind: 'text' | 'caption';
	limit: number;
}

/** A news item no rules judged (straight from a Feed node) is posted as title, summary and link. */
const DEFAULT_TEMPLATE = '*{titolo}*\n\n{sommario}\n\n{link}';

/** The text and image to send for one item, within WhatsApp's limits. */
export function composePost(context: IExecuteFunctions, itemIndex: number, json: IDataObject): Post {
	const image = ((context.getNodeParameter('imageUrl', itemIndex, '') as string) || '').trim() || null;
	const kind = image ? 'caption' : 'text';
	const limit = LIMITS[kind];
	return { text: fitText(itemText(context, itemIndex, json, kind), limit), image, kind, limit };
}

/**
 * The WhatsApp-formatted text of one item, not yet cut ("Written Here", the scheduler's, the Policy
 * node's), or a news item formatted within the limit of `kind`. The Telegram node reads it the same way.
 */
export function itemText(context: IExecuteFunctions, itemIndex: number, json: IDataObject, kind: TextKind): string {
	const source = context.getNodeParameter('source', itemIndex) as 'item' | 'custom';
	if (source === 'custom') return context.getNodeParameter('text', itemIndex) as string;
	// From the scheduler: its text is already the comune's template filled in.
	if (typeof json.text === 'string' && json.text.trim()) return json.text;
	// From the Policy node: the text its rules composed, footer and contact included (core/whatsapp/compose.ts).
	const decided = (json.decision as IDataObject | undefined)?.text;
	if (typeof decided === 'string' && decided.trim()) return decided;
	if (!missingNewsFields(json).length) {
		const item = { summary: '', categories: [], ...json } as unknown as NewsItem;
		return formatItem({ item, category: null, comune: '', timezone: 'Europe/Rome', message: { template: DEFAULT_TEMPLATE, footer: '', maxLength: LIMITS[kind] } }, kind);
	}
	throw new NodeOperationError(context.getNode(), 'The item has no text to send', {
		description: 'Connect the Banditore Scheduler Trigger (it gives "text"), a Feed or Policy node (title and link), or choose "Written Here".',
		itemIndex,
	});
}
