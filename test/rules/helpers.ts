// Shared fixtures for the rules tests: the shipped rules files and an item builder.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { NewsItem } from '../../core/item';
import { loadRules, rulesFromObject, type Rules, type RulesResult } from '../../core/rules';

export const RULES_DIR = join(__dirname, '..', '..', 'rules');

export function shippedText(name: 'meda' | 'magenta'): string {
	return readFileSync(join(RULES_DIR, `${name}.yaml`), 'utf8');
}

export function ok(result: RulesResult): Rules {
	if (!result.ok) throw new Error(`regole non valide: ${JSON.stringify(result.problems, null, 2)}`);
	return result.rules;
}

export function shipped(name: 'meda' | 'magenta'): Rules {
	return ok(loadRules(shippedText(name)));
}

/** A shipped file as plain data, changed by `patch`, then checked like node parameters. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test patches arbitrary YAML data
export function shippedWith(name: 'meda' | 'magenta', patch: (data: any) => void): Rules {
	const data = parse(shippedText(name));
	patch(data);
	return ok(rulesFromObject(data));
}

export function item(over: Partial<NewsItem> = {}): NewsItem {
	return {
		id: 'https://www.comune.meda.mb.it/pagina/1',
		title: 'Titolo',
		summary: '',
		link: 'https://www.comune.meda.mb.it/pagina/1',
		publishedAt: '2026-04-01T08:00:00Z',
		updatedAt: null,
		categories: [],
		image: null,
		source: { name: 'Sito del Comune', url: 'https://www.comune.meda.mb.it/feed', kind: 'rss' },
		...over,
	};
}
