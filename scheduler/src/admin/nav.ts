// The admin page's navigation: one entry per page. A new page adds a line here.
import type { MessageKey } from '../../../core/messages';
import type { Role } from './users';

export interface NavEntry {
	path: string;
	label: MessageKey;
	/** Shown only to this role (the route enforces it too). */
	role?: Role;
	/** The page is about one channel: the link carries the chosen one. */
	perChannel?: boolean;
	/** The page is about one comune (users, tokens): the link carries the current one. */
	perComune?: boolean;
	/** Only installation administrators (the route enforces it too). */
	installation?: boolean;
}

export const NAV: NavEntry[] = [
	{ path: '/admin', label: 'admin.nav.dashboard', perChannel: true },
	{ path: '/admin/queue', label: 'admin.nav.queue', perChannel: true },
	{ path: '/admin/emergency', label: 'admin.nav.emergency', perChannel: true },
	{ path: '/admin/rules', label: 'admin.nav.rules', perChannel: true, role: 'administrator' },
	{ path: '/admin/subscribers', label: 'admin.nav.subscribers' },
	{ path: '/admin/audit', label: 'admin.nav.audit' },
	{ path: '/admin/users', label: 'admin.nav.users', role: 'administrator', perComune: true },
	{ path: '/admin/tokens', label: 'admin.nav.tokens', role: 'administrator', perComune: true },
	{ path: '/admin/notifications', label: 'admin.nav.notify' },
	{ path: '/admin/comuni', label: 'admin.nav.comuni', installation: true },
];

export const canSee = (entry: { role?: Role; installation?: boolean }, role: Role, installationAdmin = false): boolean =>
	entry.installation ? installationAdmin : !entry.role || entry.role === role || role === 'administrator';
