import type { INodeProperties } from 'n8n-workflow';
import * as get from './get.operation';

export { get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['quota'] } },
		default: 'get',
		options: [{ name: 'Get', value: 'get', description: 'Used, limit, remaining and next reset of this week', action: 'Get the weekly quota' }],
	},
	...get.description,
];
