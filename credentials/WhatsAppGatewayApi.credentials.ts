import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

export class WhatsAppGatewayApi implements ICredentialType {
	name = 'whatsAppGatewayApi';

	displayName = 'WhatsApp Gateway API';

	icon = { light: 'file:../icons/banditore.svg', dark: 'file:../icons/banditore.dark.svg' } as const;

	documentationUrl = 'https://github.com/banditore/n8n-nodes-banditore#whatsapp-channel-or-community';

	properties: INodeProperties[] = [
		{
			displayName: 'Gateway',
			name: 'kind',
			type: 'options',
			default: 'waha',
			options: [
				{ name: 'Evolution API', value: 'evolution' },
				{ name: 'WAHA', value: 'waha' },
			],
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://127.0.0.1:3000',
			required: true,
			description: 'Where the gateway listens; keep it on a private network',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'WAHA_API_KEY for WAHA, AUTHENTICATION_API_KEY or the instance token for Evolution API',
		},
		{
			displayName: 'Session',
			name: 'session',
			type: 'string',
			default: 'default',
			required: true,
			description: 'The WAHA session, or the Evolution API instance, linked to the comune number',
		},
	];

	// WAHA reads X-Api-Key and Evolution apikey: sending both is harmless and keeps one credential.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'X-Api-Key': '={{$credentials.apiKey}}', apikey: '={{$credentials.apiKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '={{$credentials.kind === "waha" ? "/api/sessions/" + encodeURIComponent($credentials.session) : "/instance/connectionState/" + encodeURIComponent($credentials.session)}}',
		},
	};
}
