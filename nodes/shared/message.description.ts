import type { INodeProperties } from 'n8n-workflow';

/**
 * The message a post node sends: the incoming item's (the scheduler's text, the Policy node's, or a
 * news item formatted) or one written in the node, and its image. Each outlet says how it sends them.
 */
export function messageProperties(say: { fromItem: string; text: string; image: string }): INodeProperties[] {
	return [
		{
			displayName: 'Message',
			name: 'source',
			type: 'options',
			default: 'item',
			options: [
				{ name: 'From the Item', value: 'item', description: say.fromItem },
				{ name: 'Written Here', value: 'custom' },
			],
		},
		{
			displayName: 'Text',
			name: 'text',
			type: 'string',
			typeOptions: { rows: 6 },
			default: '',
			required: true,
			description: say.text,
			displayOptions: { show: { source: ['custom'] } },
		},
		{
			displayName: 'Image URL',
			name: 'imageUrl',
			type: 'string',
			default: '={{ $json.image ?? "" }}',
			description: say.image,
		},
	];
}
