// Channels come from the configuration; their rules from the rules file or from the admin page.
// Every change is a new version in rules_versions (who, from where, when), audited. At start the file
// wins only when it changed since it was last read: an admin edit is not silently undone by a restart.
// The running process keeps the compiled rules in memory and picks up versions other processes save.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { formatProblems, loadRules, type RuleProblem, type Rules } from '../../core/rules';
import { t } from '../../core/messages';
import { comuneOfChannel } from './comuni';
import type { Channel, Context } from './context';
import { audit } from './repo';
import type { Queryable, Store } from './store';
import type { ChannelConfig } from './config';
import { outletsOf } from './delivery/kinds';

export type { Channel } from './context';

export class ConfigError extends Error {}

export type RulesOrigin = 'file' | 'admin';

export interface RulesVersion {
	version: number;
	digest: string;
	origin: RulesOrigin;
	author: string | null;
	createdAt: number;
}

/** The channel's outlets as the channels table records them: `waha`, or `waha+telegram`. */
const deliveryLabel = (config: ChannelConfig): string => outletsOf(config.delivery).map((outlet) => outlet.kind).join('+');

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * `compiled`: rules already compiled, by their text. Compiling takes a good tenth of a second, and
 * the channels of a province often share one rules file: each text is compiled once per start.
 */
export function compileChannelRules(config: ChannelConfig, compiled = new Map<string, Rules>()): { rules: Rules; source: string } {
	let source: string;
	try {
		source = readFileSync(config.rules, 'utf8');
	} catch (error) {
		throw new ConfigError(`channel "${config.id}": cannot read rules file ${config.rules}: ${(error as Error).message}`);
	}
	const known = compiled.get(source);
	if (known) return { rules: known, source };
	const result = loadRules(source);
	if (!result.ok) {
		// A broken rules file stops the service: it never falls back to "send everything".
		const problems = formatProblems(result.problems, config.rules).join('\n  ');
		throw new ConfigError(`channel "${config.id}": the rules file is not valid, nothing will be sent:\n  ${problems}`);
	}
	compiled.set(source, result.rules);
	return { rules: result.rules, source };
}

function compileStored(channel: string, version: number, source: string): Rules {
	const result = loadRules(source);
	if (!result.ok) throw new ConfigError(`channel "${channel}": stored rules version ${version} is not valid: ${formatProblems(result.problems).join('; ')}`);
	return result.rules;
}

type LatestRow = { version: number; digest: string; origin: string; source: string };

export async function syncChannel(store: Store, config: ChannelConfig, now: number, compiled?: Map<string, Rules>): Promise<Channel> {
	const file = compileChannelRules(config, compiled);
	const fileDigest = sha256(file.source);
	const { version, rules } = await store.tx(async (q) => {
		await q.run(
			'INSERT INTO channels (id, name, delivery, paused, rules_version, created_at, updated_at, comune) VALUES (?, ?, ?, 0, 0, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
			[config.id, config.name, deliveryLabel(config), now, now, comuneOfChannel({ config })],
		);
		const row = await q.get<{ rules_file_digest: string | null }>('SELECT rules_file_digest FROM channels WHERE id = ?', [config.id]);
		await q.run('UPDATE channels SET name = ?, delivery = ?, rules_file_digest = ?, comune = ? WHERE id = ?', [config.name, deliveryLabel(config), fileDigest, comuneOfChannel({ config }), config.id]);
		const latest = await q.get<LatestRow>('SELECT version, digest, origin, source FROM rules_versions WHERE channel = ? ORDER BY version DESC LIMIT 1', [config.id]);
		// The file is as it was when last read: the office's edit on the admin page stands.
		if (latest && latest.origin === 'admin' && row?.rules_file_digest === fileDigest) {
			return { version: Number(latest.version), rules: compileStored(config.id, latest.version, latest.source) };
		}
		if (latest && latest.digest === file.rules.digest) return { version: Number(latest.version), rules: file.rules };
		const overridden = latest?.origin === 'admin' ? Number(latest.version) : null;
		const next = await insertVersion(q, config.id, now, { rules: file.rules, source: file.source, origin: 'file', author: 'config' });
		await audit(q, now, {
			channel: config.id,
			type: 'rules.changed',
			actor: 'config',
			details: {
				version: next,
				digest: file.rules.digest,
				origin: 'file',
				file: config.rules,
				...(overridden === null ? {} : { overrides: overridden }),
				note: overridden === null ? t('scheduler.rulesChanged', { version: next }) : t('admin.rules.fileWins', { version: next, previous: overridden }),
			},
		});
		return { version: next, rules: file.rules };
	}, { lockChannel: config.id });
	return { id: config.id, name: config.name, rules, rulesVersion: version, config };
}

async function insertVersion(q: Queryable, channel: string, now: number, v: { rules: Rules; source: string; origin: RulesOrigin; author: string }): Promise<number> {
	const latest = await q.get<{ version: number }>('SELECT max(version) AS version FROM rules_versions WHERE channel = ?', [channel]);
	const next = Number(latest?.version ?? 0) + 1;
	await q.run('INSERT INTO rules_versions (channel, version, digest, source, data, created_at, origin, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
		channel,
		next,
		v.rules.digest,
		v.source,
		JSON.stringify(v.rules.data),
		now,
		v.origin,
		v.author,
	]);
	await q.run('UPDATE channels SET rules_version = ?, updated_at = ? WHERE id = ?', [next, now, channel]);
	return next;
}

export type SaveResult =
	| { ok: true; changed: boolean; version: number }
	| { ok: false; problems: RuleProblem[] }
	| { ok: false; conflict: number };

/**
 * New rules for a channel from the admin page: the same checks as the rules file, a new version with
 * its author, audited, and the running process updated. `base` is the version the edit started from:
 * when someone saved another one meanwhile, nothing is saved (conflict).
 */
export async function saveRules(ctx: Context, channelId: string, source: string, author: string, base: number | null): Promise<SaveResult> {
	const loaded = loadRules(source);
	if (!loaded.ok) return { ok: false, problems: loaded.problems };
	const rules = loaded.rules;
	const now = ctx.clock().getTime();
	const result = await ctx.store.tx(async (q): Promise<SaveResult> => {
		const latest = await q.get<{ version: number; digest: string }>('SELECT version, digest FROM rules_versions WHERE channel = ? ORDER BY version DESC LIMIT 1', [channelId]);
		const current = Number(latest?.version ?? 0);
		if (base !== null && base !== current) return { ok: false, conflict: current };
		if (latest && latest.digest === rules.digest) return { ok: true, changed: false, version: current };
		const next = await insertVersion(q, channelId, now, { rules, source, origin: 'admin', author });
		await audit(q, now, {
			channel: channelId,
			type: 'rules.changed',
			actor: author,
			details: { version: next, digest: rules.digest, origin: 'admin', note: t('scheduler.rulesChanged', { version: next }) },
		});
		return { ok: true, changed: true, version: next };
	}, { lockChannel: channelId });
	await refreshChannels(ctx);
	return result;
}

export async function rulesSource(q: Queryable, channel: string, version: number): Promise<string | null> {
	const row = await q.get<{ source: string }>('SELECT source FROM rules_versions WHERE channel = ? AND version = ?', [channel, version]);
	return row?.source ?? null;
}

export async function listRulesVersions(q: Queryable, channel: string, limit = 50): Promise<RulesVersion[]> {
	const rows = await q.all<{ version: number; digest: string; origin: string; author: string | null; created_at: number }>(
		'SELECT version, digest, origin, author, created_at FROM rules_versions WHERE channel = ? ORDER BY version DESC LIMIT ?',
		[channel, limit],
	);
	return rows.map((r) => ({ version: Number(r.version), digest: r.digest, origin: r.origin === 'admin' ? 'admin' : 'file', author: r.author, createdAt: Number(r.created_at) }));
}

/**
 * Re-reads the rules of channels whose stored version is newer than the one in memory (saved by
 * another process sharing the database). One small query when nothing changed.
 */
export async function refreshChannels(ctx: Context): Promise<void> {
	const rows = await ctx.store.all<{ id: string; rules_version: number }>('SELECT id, rules_version FROM channels');
	for (const row of rows) await catchUp(ctx, ctx.store, row.id, Number(row.rules_version));
}

/**
 * The channel with the rules the database holds now, read inside the caller's transaction: a
 * decision to send is never taken under rules another process has replaced.
 */
export async function freshChannel(q: Queryable, ctx: Context, id: string): Promise<Channel> {
	const row = await q.get<{ rules_version: number }>('SELECT rules_version FROM channels WHERE id = ?', [id]);
	return channelAt(q, ctx, id, row ? Number(row.rules_version) : null);
}

/** The channel with the rules of `version`, the one the caller read inside its transaction (null: none read). */
export async function channelAt(q: Queryable, ctx: Context, id: string, version: number | null): Promise<Channel> {
	if (version !== null) await catchUp(ctx, q, id, version);
	return ctx.channels.get(id) as Channel;
}

async function catchUp(ctx: Context, q: Queryable, id: string, version: number): Promise<void> {
	const channel = ctx.channels.get(id);
	if (!channel || version <= channel.rulesVersion) return;
	const source = await rulesSource(q, id, version);
	if (source === null) return;
	const latest = ctx.channels.get(id);
	if (latest && latest.rulesVersion < version) ctx.channels.set(id, { ...latest, rules: compileStored(id, version, source), rulesVersion: version });
}

/** Polls for rules saved by other processes; returns the function that stops it. */
export function watchRules(ctx: Context, intervalMs: number, onError: (error: unknown) => void): () => void {
	let busy = false;
	const timer = setInterval(() => {
		if (busy) return;
		busy = true;
		refreshChannels(ctx)
			.catch(onError)
			.finally(() => {
				busy = false;
			});
	}, intervalMs);
	timer.unref();
	return () => clearInterval(timer);
}
