// Comuni as tenants (issue #17): who owns a channel, and what a caller (an API token, an admin user)
// may see. The scope is resolved once per request at the API and admin boundary; below it nothing changes.
import type { AuditWithin } from './audit';
import type { ComuneConfig, Config } from './config';
import type { Channel, Context } from './context';
import type { Queryable } from './store';

/** The comune of an installation that configures none: today's installations, unchanged. */
export const DEFAULT_COMUNE = 'default';

/** All of the installation, or some comuni. */
export type Scope = { kind: 'installation' } | { kind: 'comuni'; comuni: ReadonlySet<string> };

export const INSTALLATION: Scope = { kind: 'installation' };

export const comuneScope = (...ids: string[]): Scope => ({ kind: 'comuni', comuni: new Set(ids) });

export const comuneOfChannel = (channel: { config: { comune?: string } }): string => channel.config.comune ?? DEFAULT_COMUNE;

export const sees = (scope: Scope, comune: string): boolean => scope.kind === 'installation' || scope.comuni.has(comune);

/** The channel when it exists and the scope sees it; otherwise undefined (the caller answers 404 either way). */
export function visibleChannel(ctx: Context, scope: Scope, id: string): Channel | undefined {
	const channel = ctx.channels.get(id);
	return channel && sees(scope, comuneOfChannel(channel)) ? channel : undefined;
}

export const visibleChannels = (ctx: Context, scope: Scope): Channel[] => [...ctx.channels.values()].filter((c) => sees(scope, comuneOfChannel(c)));

/** The comuni of a configuration: the configured ones, or the default comune alone. */
export function configuredComuni(config: Pick<Config, 'comuni'>): ComuneConfig[] {
	if (config.comuni?.length) return config.comuni;
	return [{ id: DEFAULT_COMUNE, name: DEFAULT_COMUNE, istat: null, email: null, phone: null }];
}

export interface Comune extends ComuneConfig {
	channels: string[];
}

/** The comuni a scope sees, each with its channels, in the configuration's order. */
export function visibleComuni(ctx: Context, scope: Scope): Comune[] {
	return configuredComuni(ctx.config)
		.filter((c) => sees(scope, c.id))
		.map((c) => ({ ...c, channels: [...ctx.channels.values()].filter((ch) => comuneOfChannel(ch) === c.id).map((ch) => ch.id) }));
}

/** Writes the configured comuni at start (name, ISTAT code, contacts); comuni no longer configured stay, with their history. */
export async function syncComuni(q: Queryable, config: Pick<Config, 'comuni'>, now: number): Promise<void> {
	for (const c of configuredComuni(config)) {
		await q.run(
			'INSERT INTO comuni (id, name, istat, email, phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, istat = excluded.istat, email = excluded.email, phone = excluded.phone, updated_at = excluded.updated_at',
			[c.id, c.name, c.istat, c.email, c.phone, now, now],
		);
	}
}

/** What of the audit log a scope reads: null (all of it) for the installation. */
export const auditWithin = (ctx: Context, scope: Scope): AuditWithin | null =>
	scope.kind === 'installation' ? null : { channels: visibleChannels(ctx, scope).map((c) => c.id), comuni: [...scope.comuni] };
