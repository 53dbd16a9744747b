// Cloud API errors classified by their `code`, never by the HTTP status (Meta varies it; notes §1.6).
import { BanditoreError } from '../errors';

/**
 * - throttle: our throughput (130429): retry that recipient later; slow down if it keeps coming
 * - accountThrottle: app or WhatsApp account limits (4, 80007): pause everything, then retry
 * - pairThrottle: too many messages to one person (131056): retry that recipient only, later
 * - stop: quality or policy block (131048, 368, 131031, 131042): stop the broadcast, alert someone
 * - unreachable: not on WhatsApp or cannot receive (131026): permanent for that recipient
 * - optOut: the person stopped marketing messages (131050): never resend
 * - config: template or window errors (1320xx, 131047): every message would fail the same way
 * - auth: token or permission (190, 10, 200): nothing works until the credential is fixed
 * - transient: Meta's own trouble (1, 2, 131000, 131016): retry later
 * - recipient: any other error for this one recipient
 */
export type ErrorClass =
	| 'throttle'
	| 'accountThrottle'
	| 'pairThrottle'
	| 'stop'
	| 'unreachable'
	| 'optOut'
	| 'config'
	| 'auth'
	| 'transient'
	| 'recipient';

const BY_CODE: Record<number, ErrorClass> = {
	130429: 'throttle',
	4: 'accountThrottle',
	80007: 'accountThrottle',
	131056: 'pairThrottle',
	131048: 'stop',
	368: 'stop',
	131031: 'stop',
	131042: 'stop',
	131026: 'unreachable',
	131050: 'optOut',
	131047: 'config',
	190: 'auth',
	10: 'auth',
	200: 'auth',
	1: 'transient',
	2: 'transient',
	131000: 'transient',
	131016: 'transient',
};

export function classify(code: number | undefined): ErrorClass {
	if (code === undefined) return 'transient';
	if (BY_CODE[code]) return BY_CODE[code];
	if (code >= 132000 && code <= 132099) return 'config';
	return 'recipient';
}

/** The classes after which no further message of the broadcast is sent. */
export const STOPPING: ReadonlySet<ErrorClass> = new Set(['stop', 'config', 'auth']);
export const RETRYING: ReadonlySet<ErrorClass> = new Set(['throttle', 'accountThrottle', 'pairThrottle', 'transient']);

const HINTS: Record<number, string> = {
	190: 'The access token has expired or was revoked: create a permanent System User token in Meta Business Settings and put it in the WhatsApp Cloud API credential.',
	10: 'The token lacks the whatsapp_business_messaging permission for this phone number: give the System User access to the WhatsApp account.',
	200: 'The token lacks a permission: give the System User the whatsapp_business_messaging and whatsapp_business_management permissions.',
	130429: 'The phone number sent more than its throughput allows: lower the rate.',
	4: 'The app made too many API calls: wait a few minutes before sending again.',
	80007: 'The WhatsApp Business Account reached its rate limit: wait, and check the account in WhatsApp Manager.',
	131056: 'Too many messages to the same person in a short time: that person is retried later.',
	131048: 'WhatsApp limited the number for spam: stop sending, check the quality rating in WhatsApp Manager and ask the communications office to review the content.',
	368: 'The account is temporarily blocked for a policy violation: see the notice in WhatsApp Manager before sending again.',
	131031: 'The WhatsApp Business Account is locked: see WhatsApp Manager and Meta Business Support.',
	131042: 'There is a problem with the payment method or eligibility of the WhatsApp account: fix it in Meta Business Settings.',
	131026: 'The recipient cannot receive the message (not on WhatsApp, old app, or has blocked the number).',
	131050: 'The recipient stopped marketing messages from the comune: never send to them again.',
	131047: 'More than 24 hours have passed since the recipient last wrote: send an approved template instead of free text.',
	132000: 'The number of parameters does not match the approved template: check the body parameters.',
	132001: 'No approved template has this name and language: check the name and language (it) in WhatsApp Manager.',
	132005: 'The filled-in template text is too long: shorten the parameters.',
	132007: 'The template parameters break the template format policy: remove links or characters Meta does not allow.',
	132012: 'A template parameter has the wrong format: check the header (image link) and body parameters.',
	132015: 'The template is paused for low quality: edit it in WhatsApp Manager or use another.',
	132016: 'The template is disabled: create and approve a new one.',
	132018: 'A template parameter has a new line, a tab or more than four spaces in a row.',
};

const CLASS_HINTS: Record<ErrorClass, string> = {
	throttle: HINTS[130429],
	accountThrottle: HINTS[4],
	pairThrottle: HINTS[131056],
	stop: 'Stop sending and check the account in WhatsApp Manager.',
	unreachable: HINTS[131026],
	optOut: HINTS[131050],
	config: 'Check the template name, language and parameters in WhatsApp Manager.',
	auth: HINTS[190],
	transient: 'WhatsApp had a temporary problem: try again later.',
	recipient: 'See the error details; the other recipients are not affected.',
};

/** An error answered by the Graph API, with its class and what to do. */
export class WhatsAppApiError extends BanditoreError {
	readonly errorClass: ErrorClass;

	constructor(
		readonly graphCode: number | undefined,
		message: string,
		readonly httpStatus: number,
		readonly details?: string,
	) {
		const errorClass = classify(graphCode);
		super(`whatsapp.${errorClass}`, message, (graphCode !== undefined && HINTS[graphCode]) || CLASS_HINTS[errorClass]);
		this.name = 'WhatsAppApiError';
		this.errorClass = errorClass;
	}
}

interface GraphErrorBody {
	error?: { message?: string; code?: number; error_subcode?: number; error_data?: { details?: string } };
}

/** The error of a Graph API answer, classified. */
export function graphError(status: number, body: unknown): WhatsAppApiError {
	const error = (body as GraphErrorBody | null)?.error;
	const code = typeof error?.code === 'number' ? error.code : undefined;
	const details = error?.error_data?.details;
	const what = error?.message ?? `HTTP ${status}`;
	const message = code !== undefined ? `WhatsApp Cloud API error ${code}: ${what}` : `WhatsApp Cloud API answered ${what}`;
	return new WhatsAppApiError(code, details && details !== what ? `${message} (${details})` : message, status, details);
}
