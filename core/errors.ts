/**
 * An error a person can act on: `message` says what is wrong, `hint` what to do about it.
 * `code` is stable for programs (the n8n nodes, the CLI exit line, the scheduler).
 */
export class BanditoreError extends Error {
	constructor(
		readonly code: string,
		message: string,
		readonly hint?: string,
		options?: { cause?: unknown },
	) {
		super(message, options);
		this.name = 'BanditoreError';
	}

	/** One line for a terminal or a log: two sentences, never run together ("…bearer token. Send…"). */
	describe(): string {
		if (!this.hint) return this.message;
		return /[.!?:;]$/.test(this.message.trim()) ? `${this.message.trim()} ${this.hint}` : `${this.message.trim()}. ${this.hint}`;
	}
}
