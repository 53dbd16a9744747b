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
