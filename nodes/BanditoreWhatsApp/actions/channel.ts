import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { postAndConfirm } from '../../../core/whatsapp';
import { gateway } from '../transport';
import type { Post } from './message';

export async function postToChannel(context: IExecuteFunctions, itemIndex: number, post: Post): Promise<IDataObject> {
	const chatId = (context.getNodeParameter('chatId', itemIndex) as string).trim();
	const options = context.getNodeParameter('options', itemIndex, {}) as { confirmAttempts?: number; confirmDelayMs?: number };
	const client = await gateway(context);
	const posted = await postAndConfirm(client, chatId, { text: post.text, image: post.image ? { url: post.image } : null }, {
		attempts: options.confirmAttempts ?? 4,
		delayMs: options.confirmDelayMs ?? 1500,
	});
	return { target: 'channel', chatId, status: 'sent', providerMessageId: posted.id, confirmedBy: posted.matchedBy, gateway: client.name, text: post.text, image: post.image };
}
