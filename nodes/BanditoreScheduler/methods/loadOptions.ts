import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { schedulerClient } from '../../shared/scheduler.client';

export async function getChannels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const channels = await (await schedulerClient(this)).channels();
	return channels.map((channel) => ({
		name: channel.paused ? `${channel.name} (paused)` : channel.name,
		value: channel.id,
	}));
}
