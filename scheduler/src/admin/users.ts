// Admin users: a role and a scrypt hash of the password (salt and cost stored with it).
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { audit } from '../repo';
import type { Queryable, Store } from '../store';

export const ROLES = ['editor', 'administrator'] as const;
export type Role = (typeof ROLES)[number];
export const MIN_PASSWORD = 10;
export const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

export interface AdminUser {
	username: string;
	role: Role;
	createdAt: number;
}

const COST = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 64;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
	return new Promise((resolve, reject) =>
		scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key))),
	);
}

/** `scrypt$N$r$p$salt$hash`, base64. */
export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(16);
	const key = await derive(password, salt, COST);
	return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [kind, n, r, p, salt, hash] = stored.split('$');
	if (kind !== 'scrypt' || !salt || !hash) return false;
	const expected = Buffer.from(hash, 'base64');
	const key = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
	return key.length === expected.length && timingSafeEqual(key, expected);
}

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

export type UserProblem = 'badName' | 'badRole' | 'shortPassword';

export function checkUser(username: string, role: string, password: string): UserProblem | null {
	if (!USERNAME.test(username)) return 'badName';
	if (!isRole(role)) return 'badRole';
	if (password.length < MIN_PASSWORD) return 'shortPassword';
	return null;
}

/** Creates the user or sets its role and password; audited without the password. */
/** Creates or updates a user; refused ('lastAdmin') when it would demote the last administrator. */
export async function saveUser(store: Store, username: string, role: Role, password: string, actor: string, now: number): Promise<'created' | 'updated' | 'lastAdmin'> {
	const hash = await hashPassword(password);
	return store.tx(async (q) => {
		// Checked in the same transaction as the write, so no concurrent change can slip between them.
		if (await demotesLastAdmin(q, username, role)) return 'lastAdmin';
		const existing = await q.get('SELECT username FROM admin_users WHERE username = ?', [username]);
		if (existing) {
			await q.run('UPDATE admin_users SET password_hash = ?, role = ?, updated_at = ? WHERE username = ?', [hash, role, now, username]);
			// A new password ends the user's other sessions.
			await q.run('DELETE FROM admin_sessions WHERE username = ?', [username]);
		} else {
			await q.run('INSERT INTO admin_users (username, password_hash, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [username, hash, role, now, now]);
		}
		const outcome = existing ? 'updated' : 'created';
		await audit(q, now, { channel: null, type: `admin.user.${outcome}`, actor, details: { username, role } });
		return outcome;
	});
}

export type UserRefusal = 'unknown' | 'self' | 'lastAdmin';

/** Would this leave no administrator? Checked inside the change's transaction. */
async function lastAdministrator(q: Queryable, username: string): Promise<boolean> {
	// Locks every administrator row first (a no-op write, portable to both stores), so two
	// administrators demoting or deleting each other at once on PostgreSQL cannot both pass the count.
	await q.run("UPDATE admin_users SET role = role WHERE role = 'administrator'");
	const row = await q.get<{ n: number }>("SELECT count(*) AS n FROM admin_users WHERE role = 'administrator' AND username <> ?", [username]);
	return Number(row?.n ?? 0) === 0;
}

/** Sets a user's role (it applies at their next request); never takes the last administrator away. */
export async function setRole(store: Store, username: string, role: Role, actor: string, now: number): Promise<UserRefusal | null> {
	return store.tx(async (q) => {
		const row = await q.get<{ role: string }>('SELECT role FROM admin_users WHERE username = ?', [username]);
		if (!row) return 'unknown';
		if (row.role === role) return null;
		if (row.role === 'administrator' && (await lastAdministrator(q, username))) return 'lastAdmin';
		await q.run('UPDATE admin_users SET role = ?, updated_at = ? WHERE username = ?', [role, now, username]);
		await audit(q, now, { channel: null, type: 'admin.user.role', actor, details: { username, role, previous: row.role } });
		return null;
	});
}

/** Deletes a user and ends their sessions; nobody deletes themselves or the last administrator. */
export async function deleteUser(store: Store, username: string, by: string, now: number): Promise<UserRefusal | null> {
	if (username === by) return 'self';
	return store.tx(async (q) => {
		const row = await q.get<{ role: string }>('SELECT role FROM admin_users WHERE username = ?', [username]);
		if (!row) return 'unknown';
		if (row.role === 'administrator' && (await lastAdministrator(q, username))) return 'lastAdmin';
		await q.run('DELETE FROM admin_sessions WHERE username = ?', [username]);
		await q.run('DELETE FROM admin_users WHERE username = ?', [username]);
		await audit(q, now, { channel: null, type: 'admin.user.deleted', actor: `admin:${by}`, details: { username, role: row.role } });
		return null;
	});
}

/** Would saving this user with this role demote the last administrator? Call inside the change's transaction. */
async function demotesLastAdmin(q: Queryable, username: string, role: Role): Promise<boolean> {
	if (role === 'administrator') return false;
	const row = await q.get<{ role: string }>('SELECT role FROM admin_users WHERE username = ?', [username]);
	return row?.role === 'administrator' && (await lastAdministrator(q, username));
}

/** The user when the password is right; the same work is done for an unknown name (no timing hint). */
export async function checkLogin(q: Queryable, username: string, password: string): Promise<AdminUser | null> {
	const row = await q.get<{ username: string; password_hash: string; role: string; created_at: number }>('SELECT * FROM admin_users WHERE username = ?', [username]);
	const ok = await verifyPassword(password, row?.password_hash ?? DUMMY);
	if (!row || !ok || !isRole(row.role)) return null;
	return { username: row.username, role: row.role, createdAt: Number(row.created_at) };
}

const DUMMY = `scrypt$${COST.N}$${COST.r}$${COST.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_LENGTH).toString('base64')}`;

export async function listUsers(q: Queryable): Promise<AdminUser[]> {
	const rows = await q.all<{ username: string; role: string; created_at: number }>('SELECT username, role, created_at FROM admin_users ORDER BY username');
	return rows.map((r) => ({ username: r.username, role: isRole(r.role) ? r.role : 'editor', createdAt: Number(r.created_at) }));
}

/**
 * Failed logins before a name is locked for the address they came from: someone else, elsewhere,
 * cannot lock a known administrator out. The window slides.
 */
export const MAX_FAILURES = 5;
/** Failed logins from one address, whatever the names, before the address is locked: spraying is slowed. */
export const MAX_ADDRESS_FAILURES = 20;
export const LOCK_MS = 15 * 60_000;

/** A failed login's audit details: exactly {"address": …}, matched as text, the same on both stores. */
export const failureDetails = (address: string): { address: string } => ({ address: address.slice(0, 64) });

/**
 * Too many failed logins lately from this address, for this name ('name') or for any ('address').
 * Counted in the audit log: every process sees them.
 */
export async function lockedOut(q: Queryable, username: string, address: string, now: number): Promise<'name' | 'address' | null> {
	const row = await q.get<{ total: number; mine: number | null }>(
		"SELECT count(*) AS total, sum(CASE WHEN actor = ? THEN 1 ELSE 0 END) AS mine FROM audit WHERE at >= ? AND type = 'admin.login.failed' AND details = ?",
		[`admin:${username.slice(0, 64)}`, now - LOCK_MS, JSON.stringify(failureDetails(address))],
	);
	if (Number(row?.mine ?? 0) >= MAX_FAILURES) return 'name';
	if (Number(row?.total ?? 0) >= MAX_ADDRESS_FAILURES) return 'address';
	return null;
}
