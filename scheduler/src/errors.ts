/** A configuration the scheduler cannot start with: the message says what is wrong and what to set. */
export class ConfigInvalid extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ConfigInvalid';
	}
}

// Errors the API shows as {error, message, hint?}: code stable, message in English.
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly hint?: string,
		readonly extra: Record<string, unknown> = {},
	) {
		super(message);
		this.name = 'ApiError';
	}
}

export const notFound = (what: string, id: string): ApiError => new ApiError(404, 'not_found', `${what} "${id}" does not exist`);
export const invalidState = (id: string, state: string, action: string): ApiError =>
	new ApiError(409, 'invalid_state', `message "${id}" is ${state}: it cannot be ${action}`);

const UNAVAILABLE_HINT: Record<string, string> = {
	connection: 'The scheduler reconnects by itself: check that the database server is running and reachable, then send the request again.',
	disk_full: 'Free space on the disk of the database, then send the request again.',
	read_only: 'Make the database (its folder or server) writable again, then send the request again.',
	io: 'Check the disk of the database and the scheduler log, then send the request again.',
	unknown: 'See the scheduler log, then send the request again.',
};

/** 503: the database could not be used, so nothing was decided; the same request may be sent again. */
export const databaseUnavailable = (fault: string, retryInMs: number): ApiError =>
	new ApiError(503, 'database_unavailable', `the database cannot be used now (${fault}): nothing was decided`, UNAVAILABLE_HINT[fault] ?? UNAVAILABLE_HINT.unknown, { fault, retryInMs });
