import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

export class MetaGraphApi implements ICredentialType {
	name = 'metaGraphApi';

	displayName = 'Meta Graph API';

	icon = { light: 'file:../icons/banditore.svg', dark: 'file:../icons/banditore.dark.svg' } as const;

	documentationUrl = 'https://developers.facebook.com/docs/pages-api/getting-started';

	properties: INodeProperties[] = [
		{
			displayName: 'Page Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"The comune's own Page access token, with pages_read_engagement (and instagram_basic for the linked Instagram account); when Meta answers error 190 it has expired or was revoked: create a new one",
		},
		{
			displayName: 'Graph API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://graph.facebook.com',
			description: 'Change only for a test server',
		},
		{
			displayName: 'Graph API Version',
			name: 'version',
			type: 'string',
			default: 'v23.0',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '={{"/" + $credentials.version + "/me"}}',
			qs: { fields: 'id,name' },
		},
	};
}
