import type { IDataObject, IDisplayOptions, INodeProperties } from 'n8n-workflow';

/** Show properties only for one resource and operation (n8n's own nodes do the same). */
export function showFor(resource: string, operation: string, properties: INodeProperties[]): INodeProperties[] {
	const show: IDisplayOptions['show'] = { resource: [resource], operation: [operation] };
	return properties.map((property) => ({
		...property,
		displayOptions: { ...property.displayOptions, show: { ...property.displayOptions?.show, ...show } },
	}));
}

export const channelProperty: INodeProperties = {
	displayName: 'Channel Name or ID',
	name: 'channel',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getChannels' },
	default: '',
	required: true,
	description:
		'The audience the message is for, as configured in the scheduler. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

export const justificationProperty: INodeProperties = {
	displayName: 'Justification',
	name: 'justification',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'Allerta rossa della Protezione civile regionale',
	description: 'Why this emergency may go beyond the weekly limit; recorded in the audit log',
	displayOptions: { show: { emergency: [true] } },
};

export function dropEmpty(values: IDataObject): IDataObject {
	return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== '' && value !== undefined && value !== null));
}
