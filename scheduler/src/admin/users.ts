// Admin users: a role and a scrypt hash of the password (salt and cost stored with it).
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { DEFAULT_COMUNE } from '../comuni';
import { audit } from '../repo';
import type { Queryable, Store } from '../store';

export const ROLES = ['editor', 'administrator'] as const;
export type Role = (typeof ROLES)[number];
export const MIN_PASSWORD = 10;
export const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

export interface AdminUser {
	username: string;
	/** Manages the comuni and sees all of them (issue #17). */
	installationAdmin: boolean;
	/** The role in each comune the user belongs to. */
	roles: Record<string, Role>;
	/**
	 * The role where this request acts: plugin.ts sets it from the comune the request is about
	 * (roleIn); until then the highest the user has anywhere.
	 */
	role: Role;
	createdAt: number;
}

/** The user's role in a comune: administrator everywhere for an installation administrator; null outside their comuni. */
export const roleIn = (user: Pick<AdminUser, 'installationAdmin' | 'roles'>, comune: string | null): Role | null =>
	user.installationAdmin ? 'administrator' : comune === null ? null : (user.roles[comune] ?? null);

type UserRow = { username: string; installation_admin: number; created_at: number };

/** A user with their roles (from admin_memberships), or null. */
export async function loadUser(q: Queryable, username: string): Promise<AdminUser | null> {
	const row = await q.get<UserRow>('SELECT username, installation_admin, created_at FROM admin_users WHERE username = ?', [username]);
	return row ? (await withRoles(q, [row]))[0] : null;
}

async function withRoles(q: Queryable, rows: UserRow[]): Promise<AdminUser[]> {
	if (!rows.length) return [];
	const memberships = await q.all<{ username: string; comune: string; role: string }>(
		`SELECT username, comune, role FROM admin_memberships WHERE username IN (${rows.map(() => '?').join(', ')})`,
		rows.map((r) => r.username),
	);
	return rows.map((r) => {
		const roles: Record<string, Role> = {};
		for (const m of memberships) if (m.username === r.username && isRole(m.role)) roles[m.comune] = m.role;
		const installationAdmin = Number(r.installation_admin) === 1;
		const role: Role = installationAdmin || Object.values(roles).includes('administrator') ? 'administrator' : 'editor';
		return { username: r.username, installationAdmin, roles, role, createdAt: Number(r.created_at) };
	});
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

export type SaveOutcome = 'created' | 'updated' | 'lastAdmin' | 'taken';

/**
 * Creates a user or sets their password, and their role in `comune` (none: no membership changes,
 * e.g. an installation administrator of several comuni). Refused: 'lastAdmin' when it would demote the
 * comune's last administrator; 'taken' when the user belongs to comuni `mayReset` does not cover (a
 * comune's administrator cannot take over another comune's user by setting their password).
 */
export async function saveUser(
	store: Store,
	username: string,
	role: Role,
	password: string,
	actor: string,
	now: number,
	comune: string | null = DEFAULT_COMUNE,
	mayReset: (comuni: string[], installationAdmin: boolean) => boolean = () => true,
): Promise<SaveOutcome> {
	const hash = await hashPassword(password);
	return store.tx(async (q) => {
		const existing = await loadUser(q, username);
		if (existing && !mayReset(Object.keys(existing.roles), existing.installationAdmin)) return 'taken';
		// Checked in the same transaction as the write, so no concurrent change can slip between them.
		if (comune !== null && (await demotesLastAdmin(q, username, role, comune))) return 'lastAdmin';
		if (existing) {
			await q.run('UPDATE admin_users SET password_hash = ?, updated_at = ? WHERE username = ?', [hash, now, username]);
			// A new password ends the user's other sessions.
			await q.run('DELETE FROM admin_sessions WHERE username = ?', [username]);
		} else {
			await q.run('INSERT INTO admin_users (username, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?)', [username, hash, now, now]);
		}
		if (comune !== null) await setMembership(q, username, comune, role);
		const outcome = existing ? 'updated' : 'created';
		await audit(q, now, { channel: null, comune, type: `admin.user.${outcome}`, actor, details: { username, role } });
		return outcome;
	});
}

async function setMembership(q: Queryable, username: string, comune: string, role: Role): Promise<void> {
	await q.run('INSERT INTO admin_memberships (username, comune, role) VALUES (?, ?, ?) ON CONFLICT (username, comune) DO UPDATE SET role = excluded.role', [username, comune, role]);
}

/** Makes a user an installation administrator, or no longer one; audited. */
export async function setInstallationAdmin(store: Store, username: string, on: boolean, actor: string, now: number): Promise<boolean> {
	return store.tx(async (q) => {
		const changed = await q.run('UPDATE admin_users SET installation_admin = ?, updated_at = ? WHERE username = ? AND installation_admin <> ?', [on ? 1 : 0, now, username, on ? 1 : 0]);
		if (changed) await audit(q, now, { channel: null, type: 'admin.user.installation', actor, details: { username, installationAdmin: on } });
		return changed > 0;
	});
}

export type UserRefusal = 'unknown' | 'self' | 'lastAdmin';

/** Would this leave the comune without an administrator? Checked inside the change's transaction. */
async function lastAdministrator(q: Queryable, username: string, comune: string): Promise<boolean> {
	// Locks every administrator row of the comune first (a no-op write, portable to both stores), so two
	// administrators demoting or deleting each other at once on PostgreSQL cannot both pass the count.
	await q.run("UPDATE admin_memberships SET role = role WHERE comune = ? AND role = 'administrator'", [comune]);
	const row = await q.get<{ n: number }>("SELECT count(*) AS n FROM admin_memberships WHERE comune = ? AND role = 'administrator' AND username <> ?", [comune, username]);
	return Number(row?.n ?? 0) === 0;
}

const membership = (q: Queryable, username: string, comune: string) =>
	q.get<{ role: string }>('SELECT role FROM admin_memberships WHERE username = ? AND comune = ?', [username, comune]);

/** Sets a user's role in a comune (it applies at their next request); never takes a comune's last administrator away. */
export async function setRole(store: Store, username: string, role: Role, actor: string, now: number, comune = DEFAULT_COMUNE): Promise<UserRefusal | null> {
	return store.tx(async (q) => {
		const row = await membership(q, username, comune);
		if (!row) return 'unknown';
		if (row.role === role) return null;
		if (row.role === 'administrator' && (await lastAdministrator(q, username, comune))) return 'lastAdmin';
		await q.run('UPDATE admin_memberships SET role = ? WHERE username = ? AND comune = ?', [role, username, comune]);
		await q.run('UPDATE admin_users SET updated_at = ? WHERE username = ?', [now, username]);
		await audit(q, now, { channel: null, comune, type: 'admin.user.role', actor, details: { username, role, previous: row.role } });
		return null;
	});
}

/**
 * Takes a user out of a comune; a user left in no comune (and no installation administrator) is
 * deleted, their sessions ended. Nobody removes themselves or a comune's last administrator.
 */
export async function deleteUser(store: Store, username: string, by: string, now: number, comune = DEFAULT_COMUNE): Promise<UserRefusal | null> {
	if (username === by) return 'self';
	return store.tx(async (q) => {
		const row = await membership(q, username, comune);
		if (!row) return 'unknown';
		if (row.role === 'administrator' && (await lastAdministrator(q, username, comune))) return 'lastAdmin';
		await q.run('DELETE FROM admin_memberships WHERE username = ? AND comune = ?', [username, comune]);
		const left = await q.get<{ n: number }>('SELECT count(*) AS n FROM admin_memberships WHERE username = ?', [username]);
		const user = await q.get<{ installation_admin: number }>('SELECT installation_admin FROM admin_users WHERE username = ?', [username]);
		if (Number(left?.n ?? 0) === 0 && Number(user?.installation_admin ?? 0) === 0) {
			await q.run('DELETE FROM admin_sessions WHERE username = ?', [username]);
			await q.run('DELETE FROM admin_users WHERE username = ?', [username]);
		}
		await audit(q, now, { channel: null, comune, type: 'admin.user.deleted', actor: `admin:${by}`, details: { username, role: row.role } });
		return null;
	});
}

/** Would saving this user with this role demote the comune's last administrator? Call inside the change's transaction. */
async function demotesLastAdmin(q: Queryable, username: string, role: Role, comune: string): Promise<boolean> {
	if (role === 'administrator') return false;
	const row = await membership(q, username, comune);
	return row?.role === 'administrator' && (await lastAdministrator(q, username, comune));
}

/** The user when the password is right; the same work is done for an unknown name (no timing hint). */
export async function checkLogin(q: Queryable, username: string, password: string): Promise<AdminUser | null> {
	const row = await q.get<{ password_hash: string }>('SELECT password_hash FROM admin_users WHERE username = ?', [username]);
	const ok = await verifyPassword(password, row?.password_hash ?? DUMMY);
	if (!row || !ok) return null;
	return loadUser(q, username);
}

const DUMMY = `scrypt$${COST.N}$${COST.r}$${COST.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_LENGTH).toString('base64')}`;

/** The members of a comune, each with their role there as `role`; every user when `comune` is null. */
export async function listUsers(q: Queryable, comune: string | null = DEFAULT_COMUNE): Promise<AdminUser[]> {
	const rows =
		comune === null
			? await q.all<UserRow>('SELECT username, installation_admin, created_at FROM admin_users ORDER BY username')
			: await q.all<UserRow>('SELECT u.username, u.installation_admin, u.created_at FROM admin_users u JOIN admin_memberships m ON m.username = u.username AND m.comune = ? ORDER BY u.username', [comune]);
	const users = await withRoles(q, rows);
	return comune === null ? users : users.map((u) => ({ ...u, role: u.roles[comune] ?? 'editor' }));
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
