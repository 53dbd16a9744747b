import type { CustomSelectors, PresetName } from '../../core/html';
import { PRESETS } from '../../core/html';
import type { NewsItem } from '../../core/item';
import { fetchUrl } from '../../core/http/fetch';
import { readSource, type ReadOptions, type SourceKindOption } from '../../core/read';
import { selectItems } from '../../core/select';
import { socialTarget } from '../../core/social';
import { fetchWithFiles, resolveTarget } from '../target';
import { parseCommandArgs, UsageError } from '../usage';

export const FEED_HELP = `Usage: banditore feed <url-or-file> [options]
       banditore feed facebook:<page-id> | instagram:<account-id> [options]

Reads a comune's RSS/Atom feed, news or events page, home page or YouTube channel and prints
its items, normalised. Facebook Pages and Instagram professional accounts are read through
Meta's Graph API with the Page access token in $BANDITORE_META_TOKEN
($BANDITORE_META_GRAPH_URL points at another Graph API, e.g. a test server).

Options:
  --kind auto|rss|html|youtube|facebook|instagram
                                 What the source is (default: auto, recognised from the content)
  --preset ${['auto', ...Object.keys(PRESETS)].join('|')}
                                 Page template for --kind html (default: auto)
  --selectors "item=.card; title=h3; link=a; date=.date; summary=p; category=.cat; image=img"
                                 CSS selectors for any other site (or a JSON object)
  --details                      Visit each item's page for its full date and text
  --limit N                      At most N items, newest first
  --max-age-hours N              Skip dated items older than N hours
  --base-url URL                 Base for relative links when reading a local file
  --timeout SECONDS              Give up after this long (default 20)
  --max-size MB                  Refuse larger documents (default 10)
  --json                         One compact JSON object per line
  --debug                        Show the stack trace of an error`;

export async function feedCommand(args: string[]): Promise<number> {
	const { values, positionals } = parse(args);
	if (values.help) {
		process.stdout.write(`${FEED_HELP}\n`);
		return 0;
	}
	if (positionals.length !== 1) throw new UsageError(`give exactly one URL or file.\n${FEED_HELP}`);
	const kind = oneOf(values.kind ?? 'auto', ['auto', 'rss', 'html', 'youtube', 'facebook', 'instagram'], '--kind') as SourceKindOption;
	const preset = oneOf(values.preset ?? 'auto', ['auto', ...Object.keys(PRESETS)], '--preset') as PresetName | 'auto';
	// Every option is checked before the source is touched: a usage mistake exits 2 whatever the source.
	const selectors = values.selectors ? parseSelectors(values.selectors) : undefined;
	const timeoutMs = positiveNumber(values.timeout ?? '20', '--timeout') * 1000;
	const maxBytes = positiveNumber(values['max-size'] ?? '10', '--max-size') * 1024 * 1024;
	const limit = values.limit ? positiveNumber(values.limit, '--limit') : undefined;
	const maxAgeHours = values['max-age-hours'] ? positiveNumber(values['max-age-hours'], '--max-age-hours') : undefined;
	const now = new Date();
	const social = socialTarget(positionals[0], kind) !== null;
	const target = social ? { url: positionals[0], fetch: fetchUrl } : await resolveTarget(positionals[0], values['base-url']);
	const read = await readSource(
		{ url: target.url, kind, preset, selectors, fetchDetails: values.details },
		{ fetch: target.fetch ?? fetchWithFiles, now, timeoutMs, maxBytes, ...(social ? metaFromEnvironment() : {}) },
	);
	const items = selectItems(read.items, { now, limit, maxAgeHours });
	for (const warning of read.warnings) process.stderr.write(`warning: ${warning}\n`);
	if (values.json) {
		for (const item of items) process.stdout.write(`${JSON.stringify(item)}\n`);
	} else {
		process.stdout.write(humanList(items, read.kind ?? kind));
	}
	return 0;
}

/** The comune's Page access token and, for tests, another Graph API, from the environment. */
function metaFromEnvironment(): Pick<ReadOptions, 'meta'> {
	const accessToken = process.env.BANDITORE_META_TOKEN?.trim();
	if (!accessToken) throw new UsageError("BANDITORE_META_TOKEN is not set: export the comune's Page access token first (credentials/README.md says how to get one).");
	return { meta: { accessToken, baseUrl: process.env.BANDITORE_META_GRAPH_URL || undefined, tokenPlace: 'BANDITORE_META_TOKEN' } };
}

function parse(args: string[]) {
	return parseCommandArgs({
		args,
		allowPositionals: true,
		options: {
			kind: { type: 'string' },
			preset: { type: 'string' },
			selectors: { type: 'string' },
			details: { type: 'boolean', default: false },
			limit: { type: 'string' },
			'max-age-hours': { type: 'string' },
			'base-url': { type: 'string' },
			timeout: { type: 'string' },
			'max-size': { type: 'string' },
			json: { type: 'boolean', default: false },
			help: { type: 'boolean', short: 'h', default: false },
		},
	}, FEED_HELP);
}

export function parseSelectors(text: string): CustomSelectors {
	let pairs: Record<string, string>;
	if (text.trim().startsWith('{')) {
		try {
			pairs = JSON.parse(text);
		} catch {
			throw new UsageError('--selectors is not valid JSON.');
		}
	} else {
		pairs = {};
		for (const part of text.split(';')) {
			const at = part.indexOf('=');
			if (at < 0) {
				if (part.trim()) throw new UsageError(`--selectors: "${part.trim()}" should look like name=selector.`);
				continue;
			}
			pairs[part.slice(0, at).trim()] = part.slice(at + 1).trim();
		}
	}
	const known = ['item', 'title', 'link', 'date', 'summary', 'category', 'image'];
	const unknown = Object.keys(pairs).filter((key) => !known.includes(key));
	if (unknown.length) throw new UsageError(`--selectors: unknown field ${unknown.join(', ')}; the fields are ${known.join(', ')}.`);
	if (!pairs.item || !pairs.title) throw new UsageError('--selectors needs at least item= and title=.');
	return pairs as unknown as CustomSelectors;
}

// Comuni publish in Italian local time: show dates as their readers saw them (sv-SE reads as ISO).
const ROME_TIME = new Intl.DateTimeFormat('sv-SE', {
	timeZone: 'Europe/Rome',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
});

function humanList(items: NewsItem[], kind: string): string {
	if (items.length === 0) return `No items (${kind}).\n`;
	const sources = [...new Set(items.map((item) => item.source.name))].join(', ');
	const lines = [`${items.length} item${items.length === 1 ? '' : 's'} from ${sources} (${kind})`, ''];
	items.forEach((item, index) => {
		const date = item.publishedAt ? `${ROME_TIME.format(new Date(item.publishedAt))} Europe/Rome` : 'undated';
		lines.push(`${String(index + 1).padStart(3)}. ${item.title}`);
		lines.push(`     ${date}${item.categories.length ? `  [${item.categories.join(', ')}]` : ''}`);
		if (item.link) lines.push(`     ${item.link}`);
		if (item.summary) lines.push(`     ${truncate(item.summary.replace(/\n/g, ' '), 160)}`);
		lines.push('');
	});
	return `${lines.join('\n')}`;
}

function truncate(text: string, max: number): string {
	return text.length <= max ? text : `${text.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}

function oneOf(value: string, allowed: string[], flag: string): string {
	if (!allowed.includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, not "${value}".`);
	return value;
}

function positiveNumber(value: string, flag: string): number {
	const number = Number(value);
	if (!Number.isFinite(number) || number <= 0) throw new UsageError(`${flag} must be a positive number, not "${value}".`);
	return number;
}
