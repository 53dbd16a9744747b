// Channels come from the configuration: each start stores the channel and, when its rules changed,
// a new rules version (audited). The running process keeps the compiled rules in memory.
import { readFileSync } from 'node:fs';
import { formatProblems, loadRules, type Rules } from '../../core/rules';
import { t } from '../../core/messages';
import { audit } from './repo';
import type { Store } from './store';
import type { ChannelConfig } from './config';

export interface Channel {
	id: string;
	name: string;
	rules: Rules;
	rulesVersion: number;
	config: ChannelConfig;
}

export class ConfigError extends Error {}

export function compileChannelRules(config: ChannelConfig): { rules: Rules; source: string } {
	let source: string;
	try {
		source = readFileSync(config.rules, 'utf8');
	} catch (error) {
		throw new ConfigError(`channel "${config.id}": cannot read rules file ${config.rules}: ${(error as Error).message}`);
	}
	const result = loadRules(source);
	if (!result.ok) {
		// A broken rules file stops the service: it never falls back to "send everything".
		const problems = formatProblems(result.problems, config.rules).join('\n  ');
		throw new ConfigError(`channel "${config.id}": the rules file is not valid, nothing will be sent:\n  ${problems}`);
	}
	return { rules: result.rules, source };
}

export async function syncChannel(store: Store, config: ChannelConfig, now: number): Promise<Channel> {
	const { rules, source } = compileChannelRules(config);
	const version = await store.tx(async (q) => {
		await q.run(
			'INSERT INTO channels (id, name, delivery, paused, rules_version, created_at, updated_at) VALUES (?, ?, ?, 0, 0, ?, ?) ON CONFLICT (id) DO NOTHING',
			[config.id, config.name, config.delivery.kind, now, now],
		);
		await q.run('UPDATE channels SET name = ?, delivery = ? WHERE id = ?', [config.name, config.delivery.kind, config.id]);
		const latest = await q.get<{ version: number; digest: string }>(
			'SELECT version, digest FROM rules_versions WHERE channel = ? ORDER BY version DESC LIMIT 1',
			[config.id],
		);
		if (latest && latest.digest === rules.digest) return latest.version;
		const next = (latest?.version ?? 0) + 1;
		await q.run('INSERT INTO rules_versions (channel, version, digest, source, data, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
			config.id,
			next,
			rules.digest,
			source,
			JSON.stringify(rules.data),
			now,
		]);
		await q.run('UPDATE channels SET rules_version = ?, updated_at = ? WHERE id = ?', [next, now, config.id]);
		await audit(q, now, {
			channel: config.id,
			type: 'rules.changed',
			actor: 'config',
			details: { version: next, digest: rules.digest, file: config.rules, note: t('scheduler.rulesChanged', { version: next }) },
		});
		return next;
	}, { lockChannel: config.id });
	return { id: config.id, name: config.name, rules, rulesVersion: version, config };
}
