import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { gateway } from '../transport';

/** Channels the number owns or administers (WAHA), or announcement groups (Evolution API). */
export async function getChats(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const chats = await (await gateway(this)).chats();
	return chats.map((chat) => ({ name: chat.role ? `${chat.name} (${chat.role.toLowerCase()})` : chat.name, value: chat.id }));
}
