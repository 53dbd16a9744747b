import type { ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

export class TelegramBotApi implements ICredentialType {
	name = 'telegramBotApi';

	displayName = 'Telegram Bot API';

	icon = { light: 'file:../icons/banditore-telegram.svg', dark: 'file:../icons/banditore-telegram.dark.svg' } as const;

	documentationUrl = 'https://github.com/banditore/n8n-nodes-banditore#telegram';

	properties: INodeProperties[] = [
		{
			displayName: 'Bot Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: '123456789:AA…',
			description: 'The token @BotFather gives when the bot is created (/mybots → your bot → API Token). Add the bot to the channel as an administrator allowed to post.',
		},
		{
			displayName: 'Bot API URL',
			name: 'apiUrl',
			type: 'string',
			default: 'https://api.telegram.org',
			description: 'Change only for a test server or a self-hosted Bot API server',
		},
	];

	// The Bot API takes the token in the path (/bot<token>/<method>), not in a header.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.apiUrl || "https://api.telegram.org").replace(/\\/+$/, "")}}',
			url: '={{"/bot" + $credentials.token.trim() + "/getMe"}}',
		},
	};
}
