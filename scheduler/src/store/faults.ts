// Faults of the database itself (not of a query): a connection lost, refused or reset, a full disk,
// a read-only file system, an I/O error. They are counted by kind (/metrics), turned into one error
// the API answers with 503, and, for connections, make the store wait a little before trying again.

export type FaultKind = 'connection' | 'disk_full' | 'read_only' | 'io';
export const FAULT_KINDS: readonly FaultKind[] = ['connection', 'disk_full', 'read_only', 'io'];

const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/** One code: SQLite's, PostgreSQL's SQLSTATE, or the operating system's. */
function kindOfCode(code: string): FaultKind | null {
	if (CONNECTION_CODES.has(code)) return 'connection';
	if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL' || code === '53100') return 'disk_full';
	if (code === 'EROFS' || code.startsWith('SQLITE_READONLY') || code === '25006') return 'read_only';
	if (code === 'EIO' || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_CORRUPT') return 'io';
	// 08xxx connection exception, 57P01–57P03 the server shutting down or starting, 53300 too many connections.
	if (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[1-3]$/.test(code) || code === '53300') return 'connection';
	return null;
}

/** What pg says when the socket under a client closed (it has no code). */
const CONNECTION_MESSAGES = /Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Connection refused/i;

/** The kind of database fault behind an error (its causes included), or null for any other error. */
export function faultOf(error: unknown, depth = 0): FaultKind | null {
	if (!error || typeof error !== 'object' || depth > 4) return null;
	if (error instanceof StoreFault) return error.kind;
	const e = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
	if (typeof e.code === 'string') {
		const kind = kindOfCode(e.code);
		if (kind) return kind;
	}
	if (typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message)) return 'connection';
	// net's AggregateError (IPv4 and IPv6 both refused) carries the codes of its parts.
	if (Array.isArray(e.errors)) for (const part of e.errors) if (faultOf(part, depth + 1)) return faultOf(part, depth + 1);
	return faultOf(e.cause, depth + 1);
}

/** The database could not be used: what was asked was not done (a transaction is rolled back) and may be asked again. */
export class StoreFault extends Error {
	constructor(
		readonly kind: FaultKind,
		readonly cause: unknown,
		/** Milliseconds before the store tries the database again (connections only). */
		readonly retryInMs = 0,
	) {
		super(`${DESCRIPTION[kind]}: ${(cause as Error)?.message ?? String(cause)}`);
		this.name = 'StoreFault';
	}
}

const DESCRIPTION: Record<FaultKind, string> = {
	connection: 'the database connection is lost or refused',
	disk_full: 'the disk of the database is full',
	read_only: 'the database is read-only',
	io: 'the database had an I/O error',
};

const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5_000;

/**
 * Each store's record of its faults: counts by kind, the last one, and the pause before a new
 * connection is tried after a failed one (100 ms, doubling to 5 s, back to none on the first success).
 */
export class FaultLog {
	readonly counts: Record<FaultKind, number> = { connection: 0, disk_full: 0, read_only: 0, io: 0 };
	last: { kind: FaultKind; at: number; message: string } | null = null;
	private backoffMs = 0;
	private retryAt = 0;

	/** The error to throw for `error`: a StoreFault when it is a database fault, else the error itself. */
	wrap(error: unknown): unknown {
		if (error instanceof StoreFault) return error;
		const kind = faultOf(error);
		if (!kind) return error;
		this.counts[kind]++;
		this.last = { kind, at: Date.now(), message: (error as Error)?.message ?? String(error) };
		// Statements that were already running when the connection dropped fail together: one longer pause, not one each.
		if (kind === 'connection' && Date.now() >= this.retryAt) {
			this.backoffMs = Math.min(BACKOFF_MAX_MS, Math.max(BACKOFF_MIN_MS, this.backoffMs * 2));
			this.retryAt = Date.now() + this.backoffMs;
		}
		return new StoreFault(kind, error, kind === 'connection' ? this.backoffMs : 0);
	}

	/** Throws at once while the database is waited for after a lost connection (no new connection is tried). */
	gate(): void {
		const wait = this.retryAt - Date.now();
		if (wait > 0) throw new StoreFault('connection', new Error(`waiting ${wait} ms before connecting again`), wait);
	}

	/** A statement went through: the next fault starts from the shortest pause again. */
	ok(): void {
		this.backoffMs = 0;
		this.retryAt = 0;
	}
}
