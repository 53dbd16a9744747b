// The first administrator, from the environment at start (BANDITORE_ADMIN_USER and
// BANDITORE_ADMIN_PASSWORD): created, or its password and role set again.
import type { Store } from '../store';
import { checkUser, saveUser, verifyPassword } from './users';

export class AdminConfigError extends Error {}

export async function bootstrapAdmin(store: Store, admin: { user: string | null; password: string | null } | undefined, now: number): Promise<string | null> {
	if (!admin?.user || !admin.password) return null;
	const problem = checkUser(admin.user, 'administrator', admin.password);
	if (problem === 'badName') throw new AdminConfigError(`BANDITORE_ADMIN_USER "${admin.user}" is not a valid user name: lowercase letters, digits, ".", "-", "_" (2 to 64).`);
	if (problem === 'shortPassword') throw new AdminConfigError('BANDITORE_ADMIN_PASSWORD is too short: at least 10 characters.');
	const row = await store.get<{ password_hash: string; role: string }>('SELECT password_hash, role FROM admin_users WHERE username = ?', [admin.user]);
	// Unchanged at every restart: no new hash (and no audit line) when the password still matches.
	if (row && row.role === 'administrator' && (await verifyPassword(admin.password, row.password_hash))) return admin.user;
	await saveUser(store, admin.user, 'administrator', admin.password, 'config', now);
	return admin.user;
}
