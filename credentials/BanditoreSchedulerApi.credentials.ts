import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

export class BanditoreSchedulerApi implements ICredentialType {
	name = 'banditoreSchedulerApi';

	displayName = 'Banditore Scheduler API';

	icon = { light: 'file:../icons/banditore.svg', dark: 'file:../icons/banditore.dark.svg' } as const;

	documentationUrl = 'https://github.com/banditore/n8n-nodes-banditore/blob/main/scheduler/README.md';

	properties: INodeProperties[] = [
		{
			displayName: 'URL',
			name: 'url',
			type: 'string',
			default: 'http://127.0.0.1:8787',
			required: true,
			description: 'Where the Banditore scheduler listens',
		},
		{
			displayName: 'API Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "The scheduler's BANDITORE_API_TOKEN",
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.token}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.url.replace(/\\/+$/, "")}}', url: '/v1/channels' },
	};
}
