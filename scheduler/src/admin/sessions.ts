// Sessions in the database (they survive a restart and are shared by processes on PostgreSQL). The
// cookie holds a random token; the table only its sha256, with the session's CSRF token and expiry.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../store';
import { loadUser, type AdminUser } from './users';

export const COOKIE = 'banditore_admin';
export const COOKIE_PATH = '/admin';

export interface Session {
	id: string;
	user: AdminUser;
	csrf: string;
	expiresAt: number;
}

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');
const token = (): string => randomBytes(32).toString('base64url');

export async function createSession(q: Queryable, user: AdminUser, now: number, ttlMs: number): Promise<{ cookie: string; session: Session }> {
	const cookie = token();
	const session: Session = { id: digest(cookie), user, csrf: token(), expiresAt: now + ttlMs };
	// Expired sessions go when someone logs in: no timer needed.
	await q.run('DELETE FROM admin_sessions WHERE expires_at <= ?', [now]);
	await q.run('INSERT INTO admin_sessions (id, username, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [session.id, user.username, session.csrf, now, session.expiresAt]);
	return { cookie, session };
}

/** The session of a cookie, when it exists and has not expired; its expiry slides while in use. */
export async function loadSession(q: Queryable, cookie: string | undefined, now: number, ttlMs: number): Promise<Session | null> {
	if (!cookie) return null;
	const id = digest(cookie);
	const row = await q.get<{ csrf: string; expires_at: number; username: string }>('SELECT csrf, expires_at, username FROM admin_sessions WHERE id = ?', [id]);
	if (!row || Number(row.expires_at) <= now) return null;
	// Roles are read at every request: a change applies at once.
	const user = await loadUser(q, row.username);
	if (!user) return null;
	let expiresAt = Number(row.expires_at);
	// Written at most once a minute of use, not on every request.
	if (now + ttlMs - expiresAt > 60_000) {
		expiresAt = now + ttlMs;
		await q.run('UPDATE admin_sessions SET expires_at = ? WHERE id = ?', [expiresAt, id]);
	}
	return { id, user, csrf: row.csrf, expiresAt };
}

export async function deleteSession(q: Queryable, id: string): Promise<void> {
	await q.run('DELETE FROM admin_sessions WHERE id = ?', [id]);
}

export function sameToken(given: unknown, expected: string): boolean {
	if (typeof given !== 'string' || !given) return false;
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

export const newToken = token;
