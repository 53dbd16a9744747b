// `npm run demo`: one week of a channel, simulated headless on the real scheduler. The comune's items
// are enqueued at the start of the week and the dispatcher runs on a clock that crosses the week in
// ten-minute steps, so limits, quiet hours, spacing and pacing act as they would for real; then the
// report says what was posted and why the rest was not. Nothing is sent: delivery is the outbox file.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NewsItem } from '../../core/item';
import { t } from '../../core/messages';
import { weekWindow } from '../../core/quota';
import { startScheduler } from './index';
import { localDate, type Message, type State } from './model';
import { bundledInto } from './digest';
import { enqueue, listMessages } from './queue';
import { periodsAt, type Rules } from '../../core/rules';

export interface DemoOptions {
	items: NewsItem[];
	/** The rules file of the channel. */
	rules: string;
	/** A folder for the demo's database and outbox file (replaced at each run, kept after it so the texts can be read). */
	dir: string;
	now?: Date;
	channel?: string;
}

export interface DemoReport {
	channel: string;
	/** News items read from the site (the digest, if one was made, is not one of them). */
	items: number;
	limit: number;
	emergenciesExempt: boolean;
	windowStart: Date;
	windowEnd: Date;
	outbox: string;
	messages: Message[];
	/** The election periods of the week, in the office's words (none: empty). */
	periods: string[];
}

const STEP_MS = 10 * 60_000;

export async function simulateWeek(options: DemoOptions): Promise<DemoReport> {
	const channel = options.channel ?? 'demo';
	const outbox = join(options.dir, 'outbox.jsonl');
	const database = join(options.dir, 'demo.sqlite');
	// Every run simulates its week from nothing: no ledger nor outbox lines left by the previous one.
	for (const file of [outbox, database, `${database}-wal`, `${database}-shm`]) rmSync(file, { force: true });
	let now = (options.now ?? new Date()).getTime();
	const scheduler = await startScheduler(
		{
			apiToken: randomBytes(16).toString('hex'),
			host: '127.0.0.1',
			port: 0,
			publicUrl: null,
			database: { kind: 'sqlite', file: database },
			logLevel: 'silent',
			channels: [{ id: channel, name: channel, rules: options.rules, delivery: { kind: 'outbox', file: outbox } }],
			dispatch: { intervalMs: 1000, leaseSeconds: 300, slotMinutes: 10, maxAttempts: 3, backoffSeconds: 30 },
		},
		{ clock: () => new Date(now), dispatch: false },
	);
	try {
		const { ctx, dispatcher } = scheduler;
		const rules = ctx.channels.get(channel)!.rules;
		const quota = rules.quota;
		const window = weekWindow(new Date(now), quota);
		const periods = periodsOfWeek(rules, window.start, window.end);
		for (const item of options.items) await enqueue(ctx, channel, { item }, 'demo');
		for (; now < window.end.getTime(); now += STEP_MS) await dispatcher.tick();
		return { channel, items: options.items.length, limit: quota.perWeek, emergenciesExempt: quota.emergenciesExempt, windowStart: window.start, windowEnd: window.end, outbox, messages: await listMessages(ctx, channel, [], 10_000), periods };
	} finally {
		await scheduler.close();
	}
}

/** Every period that touches the week, with its dates, and the rounds the office should confirm. */
function periodsOfWeek(rules: Rules, start: Date, end: Date): string[] {
	const during = rules.election.periods.filter((p) => p.startMs < end.getTime() && p.endMs > start.getTime());
	const lines = during.map((p) => t('demo.period', { name: p.name, start: localDate(p.startMs, rules.timezone), end: localDate(p.endMs, rules.timezone) }));
	const toConfirm = periodsAt(rules, start).toConfirm.map((p) => t('periods.toConfirm', { name: p.name, start: localDate(p.startMs, rules.timezone), id: p.id ?? '' }));
	return [...lines, ...toConfirm];
}

const GROUPS: Array<{ key: Parameters<typeof t>[0]; states: State[] }> = [
	{ key: 'demo.deferred', states: ['deferred'] },
	{ key: 'demo.held', states: ['held'] },
	{ key: 'demo.rejected', states: ['rejected'] },
	{ key: 'demo.expired', states: ['expired'] },
	{ key: 'demo.waiting', states: ['queued', 'scheduled', 'sending', 'failed'] },
];

/** The item's title, or the first line of a message without one. */
const title = (m: Message) => m.item?.title ?? m.text.split('\n').find((line) => line.trim())?.replace(/[*_~]/g, '').trim() ?? '';

export function formatDemoReport(report: DemoReport, source: string, rulesName: string): string {
	const lines = [
		t('demo.title', { channel: report.channel }),
		t('demo.source', { count: report.items, source }),
		t('demo.rules', { rules: rulesName, limit: report.limit }),
		t('demo.week', { start: localDate(report.windowStart.getTime()), end: localDate(report.windowEnd.getTime() - 1) }),
		...(report.periods.length ? report.periods : [t('demo.noPeriod')]),
		'',
	];
	// What went out on its own; the messages bundled in a digest are listed under it.
	const sent = report.messages.filter((m) => m.state === 'sent');
	const posted = sent.filter((m) => !bundledInto(m)).sort((a, b) => (a.sentAt ?? '').localeCompare(b.sentAt ?? ''));
	const counted = posted.filter((m) => !m.emergency || !report.emergenciesExempt).length;
	const day = (ms: number): string => localDate(ms).slice(0, 10);
	lines.push(t('demo.posted', { start: day(report.windowStart.getTime()), end: day(report.windowEnd.getTime() - 1), count: posted.length, counted, limit: report.limit }));
	if (posted.length === 0) lines.push(t('demo.none'));
	for (const m of posted) {
		lines.push(`  ${localDate(Date.parse(m.sentAt as string))}  ${m.emergency ? `${t('demo.emergency')} ` : ''}${title(m)}`);
		for (const part of sent.filter((p) => bundledInto(p) === m.id)) lines.push(`                    · ${title(part)}`);
	}
	for (const group of GROUPS) {
		const list = report.messages.filter((m) => group.states.includes(m.state));
		lines.push('', t(group.key, { count: list.length }));
		if (list.length === 0) lines.push(t('demo.none'));
		for (const m of list) {
			lines.push(`  ${title(m)}`);
			// Refused or held: every reason the rules gave; otherwise what happened last.
			const reasons = m.state === 'rejected' || m.state === 'held' ? m.reasons : m.reasons.slice(-1);
			for (const reason of reasons) lines.push(`      ${reason}`);
		}
	}
	lines.push('', t('demo.outbox', { file: report.outbox }), t('demo.dryRun'));
	return `${lines.join('\n')}\n`;
}
