// What the office is told, as plain data: the audit events that need a person (held, in doubt, failed
// for good, gateway down, rules that do not load) and the time-based ones (an election period starting
// tomorrow, the weekly summary), each rendered in Italian through the catalog. Pure: no I/O.
import { t, type MessageKey } from '../../../core/messages';
import { DateTime } from '../../../core/vendor';
import { maskPhones } from '../admin/redact';
import type { AuditEntry } from '../audit';
import type { NotifyKind } from './kinds';

export interface Notice {
	kind: NotifyKind;
	/** The audit event it tells about, or `election` / `weekly`. */
	event: string;
	channel: string | null;
	subject: string;
	/** Paragraphs of the body. */
	lines: string[];
	/** Where on the admin page a person acts on it. */
	link: string | null;
	/** A marker: a notice with the same one is sent once only (throttled alerts, time-based notices). */
	once?: string;
}

export interface EventInfo {
	channelName: (id: string | null) => string;
	/** The admin page's base URL, without a trailing slash ('' when unknown). */
	baseUrl: string;
	/** The text of the message the event is about, when it matters (a held item). */
	messageText?: string | null;
}

const HOUR = 3_600_000;
const EXCERPT = 400;

const subject = (channel: string, key: MessageKey, params: Record<string, string | number> = {}): string => t('notify.subject', { channel, what: t(key, params) });

function queueLink(info: EventInfo, entry: AuditEntry): string | null {
	if (!info.baseUrl || !entry.channel) return null;
	return `${info.baseUrl}/admin/queue?channel=${encodeURIComponent(entry.channel)}${entry.messageId ? `#m-${entry.messageId}` : ''}`;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The notice for one audit event, or null when nobody needs to be told. */
export function noticeOf(entry: AuditEntry, info: EventInfo): Notice | null {
	let details: Record<string, unknown>;
	try {
		details = JSON.parse(entry.details) as Record<string, unknown>;
	} catch {
		details = {};
	}
	const channel = info.channelName(entry.channel);
	const base = { event: entry.type, channel: entry.channel };
	switch (entry.type) {
		case 'message.held': {
			const reasons = Array.isArray(details.reasons) ? (details.reasons as unknown[]).map(String).join('; ') : text(details.note);
			const excerpt = (info.messageText ?? '').trim();
			return {
				...base,
				kind: 'held',
				subject: subject(channel, 'notify.held.subject'),
				lines: [
					t('notify.held.body', { channel }),
					...(reasons ? [t('notify.held.why', { reasons })] : []),
					...(excerpt ? [t('notify.held.text', { text: excerpt.length > EXCERPT ? `${excerpt.slice(0, EXCERPT)}…` : excerpt })] : []),
				],
				link: queueLink(info, entry),
			};
		}
		case 'message.unknown_outcome':
			return {
				...base,
				kind: 'doubt',
				subject: subject(channel, 'notify.doubt.subject'),
				lines: [t('notify.doubt.body', { channel, reason: text(details.reason).replace(/\.$/, '') }), ...(details.recovery ? [t('notify.doubt.recovery', { note: text(details.recovery) })] : [])],
				link: queueLink(info, entry),
			};
		case 'message.failed':
			// Today a failed attempt that will be tried again is `retry: true`: only the end is news.
			if (details.retry === true) return null;
			return {
				...base,
				kind: 'failed',
				subject: subject(channel, 'notify.failed.subject'),
				lines: [t('notify.failed.body', { channel, attempts: Number(details.attempts ?? 1), reason: text(details.cause ?? details.reason) })],
				link: queueLink(info, entry),
			};
		case 'gateway.session_down':
		case 'gateway.read_back_failed': {
			const down = entry.type === 'gateway.session_down';
			return {
				...base,
				kind: 'gateway',
				subject: subject(channel, down ? 'notify.gateway.sessionDown.subject' : 'notify.gateway.readBack.subject'),
				lines: [t(down ? 'notify.gateway.sessionDown.body' : 'notify.gateway.readBack.body', { channel, reason: text(details.reason) })],
				link: queueLink(info, entry),
				// One per channel and hour: every attempt of every message would say the same.
				once: `${entry.type}:${entry.channel ?? ''}:${Math.floor(entry.at / HOUR)}`,
			};
		}
		case 'rules.invalid':
			return {
				...base,
				kind: 'rules',
				subject: subject(channel, 'notify.rules.subject'),
				lines: [t('notify.rules.body', { channel, file: text(details.file), error: text(details.error) })],
				link: null,
				// A service restarted in a loop by its supervisor: the same problem once a day.
				once: `rules.invalid:${entry.channel ?? ''}:${Math.floor(entry.at / (24 * HOUR))}:${text(details.digest)}`,
			};
		default:
			return null;
	}
}

export interface PeriodInfo {
	name: string;
	start: string;
	startMs: number;
	endMs: number;
}

/** The periods of a channel whose first local day is tomorrow, one notice each (once per period). */
export function electionNotices(channel: { id: string; name: string }, periods: readonly PeriodInfo[], now: Date, zone: string, baseUrl: string): Notice[] {
	const tomorrow = DateTime.fromJSDate(now, { zone }).plus({ days: 1 }).toISODate();
	const local = (ms: number): string => DateTime.fromMillis(ms, { zone }).toFormat('dd/LL/yyyy HH:mm');
	return periods
		.filter((p) => DateTime.fromMillis(p.startMs, { zone }).toISODate() === tomorrow)
		.map((p) => ({
			kind: 'election' as const,
			event: 'election',
			channel: channel.id,
			subject: subject(channel.name, 'notify.election.subject', { period: p.name }),
			lines: [t('notify.election.body', { channel: channel.name, period: p.name, start: local(p.startMs), end: local(p.endMs) })],
			link: baseUrl ? `${baseUrl}/admin?channel=${encodeURIComponent(channel.id)}` : null,
			once: `election:${channel.id}:${p.start}:${p.startMs}`,
		}));
}

export interface WeekFigures {
	start: Date;
	/** Exclusive. */
	end: Date;
	sent: number;
	limit: number;
	held: number;
	rejected: number;
	emergencies: number;
}

export function weeklyNotice(channel: { id: string; name: string }, week: WeekFigures, zone: string, baseUrl: string): Notice {
	const day = (d: Date): string => DateTime.fromJSDate(d, { zone }).toFormat('dd/LL/yyyy');
	const range = { start: day(week.start), end: day(new Date(week.end.getTime() - 1)) };
	return {
		kind: 'weekly',
		event: 'weekly',
		channel: channel.id,
		subject: subject(channel.name, 'notify.weekly.subject', range),
		lines: [
			t('notify.weekly.body', { channel: channel.name, ...range }),
			[
				t('notify.weekly.sent', { sent: week.sent, limit: week.limit }),
				t('notify.weekly.held', { held: week.held }),
				t('notify.weekly.rejected', { rejected: week.rejected }),
				t('notify.weekly.emergencies', { emergencies: week.emergencies }),
			].join('\n'),
		],
		link: baseUrl ? `${baseUrl}/admin?channel=${encodeURIComponent(channel.id)}` : null,
	};
}

/**
 * The e-mail's text: the body, the link, and how to change what one receives. Whatever an event's
 * details hold, nothing that looks like a phone number leaves (the links are built from ids, not masked).
 */
export function renderText(notice: Notice, baseUrl: string): { subject: string; text: string } {
	const parts = notice.lines.map(maskPhones);
	parts.push(notice.link ? t('notify.link', { url: notice.link }) : t('notify.noLink'));
	parts.push('--', t('notify.footer', { url: `${baseUrl}/admin/notifications` }));
	return { subject: maskPhones(notice.subject).replace(/[\r\n]+/g, ' '), text: parts.join('\n\n') };
}
