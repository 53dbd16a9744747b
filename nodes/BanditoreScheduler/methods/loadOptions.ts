import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { schedulerRequest } from '../../shared/scheduler.transport';

export async function getChannels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const { body } = await schedulerRequest.call(this, 'GET', '/v1/channels');
	const channels = (body.channels ?? []) as Array<{ id: string; name: string; paused: boolean }>;
	return channels.map((channel) => ({
		name: channel.paused ? `${channel.name} (paused)` : channel.name,
		value: channel.id,
	}));
}
