// The official WhatsApp Cloud API: POST {base}/{version}/{phone-number-id}/messages with a bearer token.
// One request per recipient; bodies follow the v23.0 OpenAPI spec (facebook/openapi).
import { BanditoreError } from '../../errors';
import { graphError } from '../errors';
import { joinUrl, type HttpClient } from '../http';

export interface CloudConfig {
	/** https://graph.facebook.com, or a local fake in tests and benchmarks. */
	baseUrl: string;
	version: string;
	phoneNumberId: string;
	accessToken: string;
	http: HttpClient;
	timeoutMs?: number;
}

/** What a subscriber receives: an approved template, or free text/image inside the 24-hour window. */
export type CloudMessage =
	| {
			kind: 'template';
			name: string;
			language: string;
			/** An image link for an image header, or the text of a header parameter. */
			headerImage?: string | null;
			headerText?: string | null;
			body: string[];
	  }
	| { kind: 'text'; text: string }
	| { kind: 'image'; link: string; caption?: string };

export interface CloudSent {
	id: string;
	/** accepted, held_for_quality_assessment or paused: all mean the request was taken. */
	status: string;
}

/**
 * The request body for one recipient. `callbackData` comes back in the status webhooks
 * (biz_opaque_callback_data): the broadcast engine uses it to reconcile sends in doubt. Only
 * templates carry it: the spec's text and image schemas admit no extra property.
 */
export function cloudBody(to: string, message: CloudMessage, callbackData?: string): Record<string, unknown> {
	const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to };
	if (message.kind === 'text') return { ...base, type: 'text', text: { preview_url: true, body: message.text } };
	if (message.kind === 'image') {
		const image = message.caption ? { link: message.link, caption: message.caption } : { link: message.link };
		return { ...base, type: 'image', image };
	}
	const components: Array<Record<string, unknown>> = [];
	if (message.headerImage) components.push({ type: 'header', parameters: [{ type: 'image', image: { link: message.headerImage } }] });
	else if (message.headerText) components.push({ type: 'header', parameters: [{ type: 'text', text: message.headerText }] });
	if (message.body.length) components.push({ type: 'body', parameters: message.body.map((text) => ({ type: 'text', text })) });
	const template = {
		name: message.name,
		language: { policy: 'deterministic', code: message.language || 'it' },
		...(components.length ? { components } : {}),
	};
	return { ...base, type: 'template', template, ...(callbackData ? { biz_opaque_callback_data: callbackData } : {}) };
}

export function messagesUrl(config: Pick<CloudConfig, 'baseUrl' | 'version' | 'phoneNumberId'>): string {
	return joinUrl(config.baseUrl, config.version, config.phoneNumberId, 'messages');
}

/** Sends one body; a Graph error is thrown as a classified WhatsAppApiError. */
export async function sendCloud(config: CloudConfig, body: Record<string, unknown>): Promise<CloudSent> {
	const response = await config.http({
		method: 'POST',
		url: messagesUrl(config),
		headers: { authorization: `Bearer ${config.accessToken}` },
		body,
		timeoutMs: config.timeoutMs,
	});
	// By the error code, not the HTTP status: an error body is an error whatever the status says.
	if (response.status < 200 || response.status >= 300 || hasGraphError(response.body)) throw graphError(response.status, response.body);
	const answer = response.body as { messages?: Array<{ id?: string; message_status?: string }> } | null;
	const sent = answer?.messages?.[0];
	if (!sent?.id) {
		throw new BanditoreError('whatsapp.no_id', 'The Cloud API accepted the request but returned no message id.', 'Check the Graph API base URL in the credential.');
	}
	return { id: sent.id, status: sent.message_status ?? 'accepted' };
}

function hasGraphError(body: unknown): boolean {
	const error = (body as { error?: unknown } | null)?.error;
	return typeof error === 'object' && error !== null;
}

/** The credential test: GET {base}/{version}/{phone-number-id}. */
export async function checkPhoneNumber(config: CloudConfig): Promise<{ displayPhoneNumber?: string; verifiedName?: string }> {
	const response = await config.http({
		method: 'GET',
		url: joinUrl(config.baseUrl, config.version, config.phoneNumberId),
		headers: { authorization: `Bearer ${config.accessToken}` },
		timeoutMs: config.timeoutMs,
	});
	if (response.status !== 200) throw graphError(response.status, response.body);
	const body = response.body as { display_phone_number?: string; verified_name?: string };
	return { displayPhoneNumber: body.display_phone_number, verifiedName: body.verified_name };
}
