// The two ways a call to the scheduler's API fails, whoever makes it (the n8n nodes, the CLI): the
// scheduler refused (its `{ error, message, hint }` answer), or nothing answered at all.
import { BanditoreError } from '../errors';

/** The scheduler answered with an error status: its code, message and hint, as it sent them. */
export class SchedulerApiError extends BanditoreError {
	constructor(
		/** The HTTP status. */
		readonly status: number,
		code: string,
		message: string,
		hint: string | undefined,
		/** The answer as it came, for callers that show it (n8n's error details). */
		readonly body: Record<string, unknown>,
	) {
		super(code, message, hint);
		this.name = 'SchedulerApiError';
	}

	/** The API's error shape `{ error, message, hint }`; anything else is described by its status. */
	static fromAnswer(status: number, answer: unknown): SchedulerApiError {
		const body = isObject(answer) ? answer : {};
		const text = (key: string) => (typeof body[key] === 'string' && body[key] ? (body[key] as string) : undefined);
		return new SchedulerApiError(status, text('error') ?? 'http_status', text('message') ?? `The scheduler answered HTTP ${status}`, text('hint'), body);
	}

	/** The message the scheduler gave itself, if any (not the one made up from the status). */
	get apiMessage(): string | undefined {
		return typeof this.body.message === 'string' && this.body.message ? this.body.message : undefined;
	}
}

/** No answer: the scheduler is down, the address is wrong, or it did not answer in time. */
export class SchedulerUnreachableError extends BanditoreError {
	constructor(
		/** The address that did not answer: the scheduler as configured (credential, --url), or an ackUrl's origin. */
		readonly baseUrl: string,
		hint: string,
		cause: unknown,
	) {
		super('unreachable', `The scheduler at ${baseUrl} cannot be reached.`, hint, { cause });
		this.name = 'SchedulerUnreachableError';
	}

	/** What the network said (ECONNREFUSED, a timeout…), for logs and error details. */
	get reason(): string {
		return this.cause instanceof Error ? this.cause.message : String(this.cause);
	}
}

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
