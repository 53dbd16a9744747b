// Why the scheduler could not start, as one sentence for whoever installs it: what failed, the path
// or address, and what to check. A stack trace is for developers (--debug), not for the IT office.
import { dirname } from 'node:path';
import { ConfigError } from './channels';
import { ConfigInvalid, type Config } from './config';

interface SystemError {
	code?: string;
	path?: string;
	syscall?: string;
	message?: string;
}

/** Errors of the file system when it is not writable, not there, or full. */
const FILE_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EEXIST', 'ENOTDIR', 'ENOENT', 'EISDIR', 'EIO']);
/** Errors of a network connection that does not answer. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** postgres://user@host:port/db: never the password. */
export function safeAddress(url: string): string {
	try {
		const u = new URL(url);
		return `${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.hostname}:${u.port || '5432'}${u.pathname}`;
	} catch {
		return url.replace(/\/\/[^@/]*@/, '//***@');
	}
}

const withoutPeriod = (text: string): string => text.trim().replace(/\.$/, '');

function fileProblem(e: SystemError): string {
	const path = e.path as string;
	if (e.code === 'ENOSPC' || e.code === 'EDQUOT') return `the disk holding ${path} is full (${e.code}): free some space, then start the scheduler again.`;
	const folder = e.syscall === 'mkdir' ? path : dirname(path);
	return `cannot write ${path} (${e.code}): check that the folder ${folder} exists, is a folder, and that the user running the scheduler may write to it.`;
}

function sqliteProblem(e: SystemError, file: string): string {
	if (e.code === 'SQLITE_FULL') return `the disk holding the SQLite database ${file} is full (SQLITE_FULL): free some space, then start the scheduler again.`;
	if (e.code === 'SQLITE_NOTADB' || e.code === 'SQLITE_CORRUPT') return `${file} is not a readable SQLite database (${e.code}): check BANDITORE_DB points at the scheduler's database, or restore it from a backup.`;
	return `cannot open the SQLite database ${file} (${e.code}: ${withoutPeriod(e.message ?? '')}): check that the folder ${dirname(file)} exists and that the user running the scheduler may write to it (BANDITORE_DB chooses the file).`;
}

function postgresProblem(e: SystemError, url: string): string | null {
	const where = safeAddress(url);
	const code = e.code ?? '';
	const detail = withoutPeriod(e.message ?? code);
	if (code.startsWith('28')) return `the PostgreSQL database at ${where} refuses the login (${detail}): check the user and password in DATABASE_URL.`;
	if (code === '3D000') return `the PostgreSQL server at ${where} has no such database (${detail}): create it, or fix the database name in DATABASE_URL.`;
	const network = NETWORK_CODES.has(code) || code.startsWith('08') || code === '57P03' || /timeout|terminated|connection/i.test(e.message ?? '');
	if (!network) return null;
	return `the PostgreSQL database at ${where} does not answer (${detail}): check that it is running, that this host can reach it, and DATABASE_URL.`;
}

/** The sentence for an error that stopped the start, or null when it is not one of the known kinds. */
export function startupProblem(error: unknown, config: Config | null): string | null {
	if (error instanceof ConfigInvalid || error instanceof ConfigError) return error.message;
	const e = (error ?? {}) as SystemError;
	if (e.code === 'EADDRINUSE' && config) {
		return `${config.host}:${config.port} is already in use by another program: stop it, or start the scheduler on another port (PORT=8788).`;
	}
	if (typeof e.code === 'string' && e.code.startsWith('SQLITE_') && config?.database.kind === 'sqlite') return sqliteProblem(e, config.database.file);
	if (config?.database.kind === 'postgres') {
		const problem = postgresProblem(e, config.database.url);
		if (problem) return problem;
	}
	if (typeof e.code === 'string' && FILE_CODES.has(e.code) && e.path) return fileProblem(e);
	return null;
}
