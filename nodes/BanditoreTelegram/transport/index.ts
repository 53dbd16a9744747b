import { NodeApiError, NodeOperationError, type IExecuteFunctions, type JsonObject } from 'n8n-workflow';
import { BanditoreError } from '../../../core/errors';
import { TelegramApiError, telegramClient, type TelegramClient } from '../../../core/telegram';
import { NetworkError } from '../../../core/whatsapp/http';
import { http } from '../../BanditoreWhatsApp/transport';

/** The Bot API client with this node's credential, over the package's one keep-alive pool. */
export async function telegram(context: IExecuteFunctions): Promise<TelegramClient> {
	const credentials = await context.getCredentials<{ token: string; apiUrl?: string }>('telegramBotApi');
	return telegramClient({ token: credentials.token, apiUrl: credentials.apiUrl, http: http(), timeoutMs: 30_000 });
}

/** Telegram's refusals and network errors as n8n API errors (what to do as the description); our checks as operation errors. */
export function toNodeError(context: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof TelegramApiError) {
		const response = { code: error.code, description: error.description, ...(error.retryAfter !== null ? { retryAfter: error.retryAfter } : {}) } as JsonObject;
		return new NodeApiError(context.getNode(), response, { message: error.message, description: error.hint, httpCode: String(error.httpStatus), itemIndex });
	}
	if (error instanceof NetworkError) return new NodeApiError(context.getNode(), { code: error.code, message: error.message } as JsonObject, { message: error.message, description: error.hint, itemIndex });
	if (error instanceof BanditoreError) return new NodeOperationError(context.getNode(), error.message, { description: error.hint, itemIndex });
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}
