import { isAbsolute } from 'node:path';
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { length } from '../../../core/whatsapp/compose';
import { writeOutbox, type OutboxRecord } from '../../../core/whatsapp';
import type { Post } from './message';

/** The dry run: exactly what would be sent, in the output and in a JSON-lines file when one is set. */
export async function writeToOutbox(context: IExecuteFunctions, itemIndex: number, post: Post, json: IDataObject): Promise<IDataObject> {
	const file = ((context.getNodeParameter('options', itemIndex, {}) as { outboxFile?: string }).outboxFile ?? '').trim();
	const record: OutboxRecord = {
		at: new Date().toISOString(),
		target: 'outbox',
		text: post.text,
		image: post.image,
		length: length(post.text),
		limit: post.limit,
		...(typeof json.id === 'string' ? { messageId: json.id } : {}),
	};
	if (file) {
		if (!isAbsolute(file)) throw new NodeOperationError(context.getNode(), `The outbox file "${file}" is not an absolute path`, { description: 'Write the full path, starting with /.', itemIndex });
		await writeOutbox(file, record);
	}
	return { ...record, status: 'dry-run', providerMessageId: null, file: file || null };
}
