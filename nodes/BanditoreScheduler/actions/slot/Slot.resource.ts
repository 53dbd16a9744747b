import type { INodeProperties } from 'n8n-workflow';
import * as confirm from './confirm.operation';
import * as release from './release.operation';
import * as reserve from './reserve.operation';

export { confirm, release, reserve };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['slot'] } },
		default: 'reserve',
		options: [
			{ name: 'Confirm', value: 'confirm', description: 'The post went out: count it as sent', action: 'Confirm a slot' },
			{ name: 'Release', value: 'release', description: 'The post did not go out: give the slot back', action: 'Release a slot' },
			{ name: 'Reserve', value: 'reserve', description: 'Ask for room in the weekly budget before sending from this workflow', action: 'Reserve a slot' },
		],
	},
	...reserve.description,
	...confirm.description,
	...release.description,
];
