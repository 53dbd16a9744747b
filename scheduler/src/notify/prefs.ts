// Each admin user's choice: their own address and the kinds they want, one row per user.
import type { Queryable } from '../store';
import { isNotifyKind, type NotifyKind } from './kinds';

export interface NotifyPrefs {
	email: string | null;
	kinds: NotifyKind[];
}

const parseKinds = (text: string): NotifyKind[] => text.split(',').filter(isNotifyKind);

export async function getPrefs(q: Queryable, username: string): Promise<NotifyPrefs> {
	const row = await q.get<{ email: string | null; kinds: string }>('SELECT email, kinds FROM notify_prefs WHERE username = ?', [username]);
	return { email: row?.email ?? null, kinds: row ? parseKinds(row.kinds) : [] };
}

export async function savePrefs(q: Queryable, username: string, prefs: NotifyPrefs, now: number): Promise<void> {
	const kinds = [...new Set(prefs.kinds)].join(',');
	await q.run(
		`INSERT INTO notify_prefs (username, email, kinds, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (username) DO UPDATE SET email = excluded.email, kinds = excluded.kinds, updated_at = excluded.updated_at`,
		[username, prefs.email, kinds, now],
	);
}

/**
 * The addresses of the users who chose `kind`, each once: the members of `comune` (the notice's, issue
 * #17) and the installation administrators; only these for a notice of no known comune (null).
 */
export async function recipients(q: Queryable, kind: NotifyKind, comune: string | null): Promise<string[]> {
	const rows = await q.all<{ email: string; kinds: string }>(
		"SELECT p.email, p.kinds FROM notify_prefs p JOIN admin_users u ON u.username = p.username WHERE p.email IS NOT NULL AND p.email <> '' AND (u.installation_admin = 1 OR EXISTS (SELECT 1 FROM admin_memberships m WHERE m.username = u.username AND m.comune = ?))",
		[comune],
	);
	return [...new Set(rows.filter((r) => parseKinds(r.kinds).includes(kind)).map((r) => r.email))];
}
