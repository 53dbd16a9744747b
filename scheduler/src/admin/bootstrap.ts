// The first administrator, from the environment at start (BANDITORE_ADMIN_USER and
// BANDITORE_ADMIN_PASSWORD): created, or its password and role set again.
import type { Store } from '../store';
import { DEFAULT_COMUNE } from '../comuni';
import { checkUser, loadUser, saveUser, setInstallationAdmin, verifyPassword } from './users';

export class AdminConfigError extends Error {}

/**
 * The bootstrap administrator is an installation administrator (issue #17); with no comuni configured
 * they are also the default comune's administrator, as before.
 */
export async function bootstrapAdmin(store: Store, admin: { user: string | null; password: string | null } | undefined, now: number, comune: string | null = DEFAULT_COMUNE): Promise<string | null> {
	if (!admin?.user || !admin.password) return null;
	const problem = checkUser(admin.user, 'administrator', admin.password);
	if (problem === 'badName') throw new AdminConfigError(`BANDITORE_ADMIN_USER "${admin.user}" is not a valid user name: lowercase letters, digits, ".", "-", "_" (2 to 64).`);
	if (problem === 'shortPassword') throw new AdminConfigError('BANDITORE_ADMIN_PASSWORD is too short: at least 10 characters.');
	const row = await store.get<{ password_hash: string; installation_admin: number }>('SELECT password_hash, installation_admin FROM admin_users WHERE username = ?', [admin.user]);
	const user = row ? await loadUser(store, admin.user) : null;
	const member = comune === null || user?.roles[comune] === 'administrator';
	// Unchanged at every restart: no new hash (and no audit line) when the password still matches.
	if (row && member && Number(row.installation_admin) === 1 && (await verifyPassword(admin.password, row.password_hash))) return admin.user;
	await saveUser(store, admin.user, 'administrator', admin.password, 'config', now, comune);
	await setInstallationAdmin(store, admin.user, true, 'config', now);
	return admin.user;
}
