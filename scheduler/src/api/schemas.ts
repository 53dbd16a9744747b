// JSON schemas of the API v1: they validate requests, shape responses and make /openapi.json.
import { STATES } from '../model';
import { WAIT_CODES } from '../waiting';

const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const freeObject = { type: 'object', additionalProperties: true } as const;

export const errorSchema = {
	type: 'object',
	properties: { error: str, message: str, hint: str, retryAt: strOrNull },
	required: ['error', 'message'],
} as const;

export const messageSchema = {
	type: 'object',
	properties: {
		id: str,
		channel: str,
		dedupeKey: str,
		state: { type: 'string', enum: [...STATES] },
		text: str,
		category: strOrNull,
		priority: { type: 'number' },
		emergency: { type: 'boolean' },
		justification: strOrNull,
		image: strOrNull,
		earliestAt: str,
		expiresAt: strOrNull,
		createdAt: str,
		updatedAt: str,
		sentAt: strOrNull,
		providerMessageId: strOrNull,
		reasons: { type: 'array', items: str },
		attempts: { type: 'integer' },
		item: { type: ['object', 'null'], additionalProperties: true },
		duplicateOf: { type: ['string', 'null'], description: 'State duplicate: the message sent in its place, the same notice from another source (its link or its text)' },
		history: { type: 'array', items: { type: 'object', properties: { at: str, state: str, note: strOrNull } } },
		outlets: {
			type: 'array',
			description: 'In GET /messages/{id}, for a channel that delivers to several outlets: what each did with the message (empty otherwise)',
			items: {
				type: 'object',
				properties: {
					outlet: { type: 'string', description: 'The delivery kind, e.g. waha or telegram' },
					state: { type: 'string', enum: ['sent', 'retrying', 'sending', 'failed', 'unknown'] },
					providerMessageId: strOrNull,
					reason: strOrNull,
					attempts: { type: 'integer' },
					retryAt: strOrNull,
					updatedAt: str,
				},
			},
		},
		waiting: {
			type: ['object', 'null'],
			description: 'Waiting or held messages, in GET answers: the earliest time it can go out (null: a person must act first, or it will expire) and why, as the dispatcher decides',
			properties: {
				code: { type: 'string', enum: [...WAIT_CODES] },
				codes: { type: 'array', items: { type: 'string', enum: [...WAIT_CODES] } },
				at: strOrNull,
				reason: { type: 'string', description: 'In Italian, for the office' },
			},
		},
	},
} as const;

/** In the enqueue answer: the item repeats a notice the channel already has (issue #14), so it is not sent. */
export const duplicateSchema = {
	type: ['object', 'null'],
	description: 'Not null when the message is a duplicate: the same notice from another source (the same page, or nearly the same text a few days apart)',
	properties: {
		of: { type: 'string', description: 'The message sent in its place' },
		reason: { type: 'string', description: 'Why, in Italian, for the office' },
	},
} as const;

export const channelSchema = {
	type: 'object',
	properties: {
		id: str,
		name: str,
		comune: { type: 'string', description: 'The comune that owns the channel (GET /v1/comuni)' },
		paused: { type: 'boolean' },
		rulesVersion: { type: 'integer' },
		delivery: { type: 'string', description: "The delivery kind (outbox, webhook, subscribers, waha, evolution, telegram), or the kinds of a channel's outlets joined by '+'" },
		sources: {
			type: 'array',
			description: "The comune's site and feeds (the channel's `sources:` in the config; empty when none): what n8n's Banditore Feed reads for this channel",
			items: { type: 'object', properties: { url: str, kind: str, name: str } },
		},
	},
} as const;

/** The channel's current rules: the scheduler holds the only truth, n8n's Policy node reads it here. */
export const rulesSchema = {
	type: 'object',
	properties: {
		channel: str,
		version: { type: 'integer' },
		digest: { type: 'string', description: 'Digest of the compiled rules; with the version it makes the ETag' },
		source: { type: 'string', description: 'The YAML text of this rules version, as saved (file or admin page)' },
	},
} as const;

export const ifNoneMatchHeader = {
	type: 'object',
	properties: { 'if-none-match': { type: 'string', description: 'The ETag of the rules version the client has: 304 while it is still the current one' } },
} as const;

export const notModifiedSchema = { description: 'Not modified: the rules are still those of the ETag sent in If-None-Match', type: 'null' } as const;

export const slotSchema = {
	type: 'object',
	properties: { id: str, channel: str, messageId: str, expiresAt: str },
} as const;

export const quotaSchema = {
	type: 'object',
	properties: {
		channel: str,
		week: { type: 'string', enum: ['iso', 'rolling'] },
		limit: { type: 'integer' },
		used: { type: 'integer' },
		inFlight: { type: 'integer' },
		remaining: { type: 'integer' },
		emergencies: { type: 'integer' },
		windowStart: str,
		windowEnd: str,
		nextReset: str,
		paused: { type: 'boolean' },
	},
} as const;

export const auditSchema = {
	type: 'object',
	properties: { id: { type: 'integer' }, at: str, channel: strOrNull, type: str, messageId: strOrNull, actor: str, details: freeObject },
} as const;

export const channelParam = { type: 'object', properties: { channel: str }, required: ['channel'] } as const;
export const idParam = { type: 'object', properties: { id: str }, required: ['id'] } as const;

export const enqueueBody = {
	type: 'object',
	properties: {
		item: {
			type: 'object',
			properties: {
				id: { type: 'string', minLength: 1 },
				title: str,
				summary: str,
				link: str,
				publishedAt: strOrNull,
				updatedAt: strOrNull,
				categories: { type: 'array', items: str },
				image: strOrNull,
				source: freeObject,
				sharedLink: { type: ['string', 'null'], description: 'A social post: the page it links to. A copy of a notice the channel already has (the same page, or nearly the same text a few days apart) is stored as a duplicate and not sent' },
			},
			required: ['id', 'title'],
			additionalProperties: true,
		},
		dedupeKey: { type: 'string', minLength: 1 },
		text: str,
		category: str,
		priority: { type: 'number' },
		emergency: { type: 'boolean' },
		justification: str,
		earliestAt: { type: 'string', format: 'date-time' },
		expiresAt: { type: 'string', format: 'date-time' },
		image: strOrNull,
	},
	additionalProperties: false,
} as const;

export const slotBody = {
	type: 'object',
	properties: {
		dedupeKey: { type: 'string', minLength: 1 },
		text: str,
		category: str,
		priority: { type: 'number' },
		emergency: { type: 'boolean' },
		justification: str,
	},
	required: ['dedupeKey'],
	additionalProperties: false,
} as const;

export const ackBody = {
	oneOf: [
		{ type: 'object', properties: { status: { const: 'sent' }, providerMessageId: str }, required: ['status'], additionalProperties: false },
		{
			type: 'object',
			properties: { status: { const: 'failed' }, reason: { type: 'string', minLength: 1 }, retry: { type: 'boolean' } },
			required: ['status', 'reason', 'retry'],
			additionalProperties: false,
		},
	],
} as const;

export const overrideBody = {
	type: 'object',
	properties: {
		justification: { type: 'string', maxLength: 1000, description: 'Why the message may go out although the rules stop it; recorded in the audit log' },
	},
	additionalProperties: false,
} as const;

// Action bodies are optional: no body at all reaches validation as null.
export const noteBody = { type: ['object', 'null'], properties: { note: { type: 'string', maxLength: 2000 } }, additionalProperties: false } as const;
export const reasonBody = { type: ['object', 'null'], properties: { reason: { type: 'string', maxLength: 2000 } }, additionalProperties: false } as const;
export const confirmBody = { type: ['object', 'null'], properties: { providerMessageId: { type: 'string', maxLength: 500 } }, additionalProperties: false } as const;
/** An action that takes nothing: no body, or an empty object. */
export const emptyBody = { type: ['object', 'null'], properties: {}, additionalProperties: false } as const;

/** 503: the database cannot be used now (fault: connection, disk_full, read_only, io); nothing was decided, send again (Retry-After). */
export const unavailableSchema = {
	type: 'object',
	properties: { error: { type: 'string', enum: ['database_unavailable'] }, message: str, hint: str, fault: str, retryInMs: { type: 'integer' } },
	required: ['error', 'message', 'fault'],
} as const;

export const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema, 409: errorSchema, 413: errorSchema, 415: errorSchema, 422: errorSchema, 503: unavailableSchema };

export const webhookSchema = {
	type: 'object',
	properties: { id: str, url: str, channels: { type: ['array', 'null'], items: str }, createdAt: str },
} as const;

export const webhookBody = {
	type: 'object',
	required: ['url'],
	additionalProperties: false,
	properties: { url: { type: 'string', minLength: 1 }, channels: { type: ['array', 'null'], items: str } },
} as const;
