// The audit log in the office's words: each event type by its Italian name, each entry's details as a
// sentence about the message it concerns. The machine codes stay in the database and the CSV.
import { hasMessage, t, type MessageKey } from '../../../core/messages';
import type { AuditRow, Subject } from './audit-query';

const EVENT = 'admin.audit.event.';

/** The Italian name of an event type; a type this page does not know is "Altro evento", never its code. */
export function eventName(type: string): string {
	const key = `${EVENT}${type}`;
	return hasMessage(key) ? t(key) : t('admin.audit.event.other');
}

export const knownEvent = (type: string): boolean => hasMessage(`${EVENT}${type}`);

/** Who did it: an administrator by user name, the scheduler's own parts by what they are. */
export function actorName(actor: string): string {
	if (actor.startsWith('admin:')) return actor.slice('admin:'.length);
	const key = `admin.audit.actor.${actor}`;
	return hasMessage(key) ? t(key) : actor;
}

/** An outlet by what it is for the office ("Canale Telegram"), never its kind's code. */
export function outletName(kind: string): string {
	const key = `admin.outlet.${kind}`;
	return hasMessage(key) ? t(key) : kind;
}

export function priorityWord(priority: number): string {
	return t(priority >= 80 ? 'admin.audit.priority.high' : priority >= 40 ? 'admin.audit.priority.normal' : 'admin.audit.priority.low');
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const list = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const role = (value: unknown): string => {
	const key = `admin.role.${str(value)}`;
	return hasMessage(key) ? t(key) : str(value);
};
/** Drops the sentence's own full stop from a note that ends with one. */
const clause = (text: string): string => text.trim().replace(/[.;:]+$/, '');

/** The office's own note after a fixed prefix ("Approvato: …"), or null. */
function officeNote(note: string, prefix: MessageKey): string | null {
	const head = `${t(prefix)}: `;
	return note.startsWith(head) ? note.slice(head.length).trim() || null : null;
}

type Says = (d: Record<string, unknown>, subject: string) => string;

const counted = (d: Record<string, unknown>): string => t(d.counted === true ? 'admin.audit.counted' : 'admin.audit.exempt');

/** Sentences for the types whose details say more than their note. */
const SAYS: Record<string, Says> = {
	'message.enqueued': (d, subject) => {
		const category = str(d.categoryName) ? t('admin.audit.inCategory', { category: str(d.categoryName) }) : t('admin.audit.noCategory');
		return d.emergency === true
			? t('admin.audit.says.enqueuedEmergency', { subject, category })
			: t('admin.audit.says.enqueued', { subject, category, priority: priorityWord(Number(d.priority ?? 0)) });
	},
	'message.held': (d, subject) => t('admin.audit.says.held', { subject, why: clause(list(d.reasons).join('; ') || str(d.note)) }),
	'message.rejected': (d, subject) => {
		const staff = str(d.note).startsWith(t('scheduler.rejectedByStaff'));
		if (!staff) return t('admin.audit.says.rejected', { subject, why: clause(list(d.reasons).join('; ') || str(d.note)) });
		const note = officeNote(str(d.note), 'scheduler.rejectedByStaff');
		return [t('admin.audit.says.rejectedByStaff', { subject }), note ? t('admin.audit.says.officeNote', { note: clause(note) }) : ''].filter(Boolean).join(' ');
	},
	'message.approved': (d, subject) => {
		const note = officeNote(str(d.note), 'scheduler.approved');
		return [t('admin.audit.says.approved', { subject }), note ? t('admin.audit.says.officeNote', { note: clause(note) }) : ''].filter(Boolean).join(' ');
	},
	'message.override': (d, subject) => t('admin.audit.says.override', { subject, justification: clause(str(d.justification)) }),
	// The justification once: the note repeats it.
	'emergency.override': (d, subject) => t('admin.audit.says.emergency', { subject, counted: counted(d), justification: clause(str(d.justification)) }),
	'message.sending': (d, subject) => t('admin.audit.says.sending', { subject, attempt: Number(d.attempt ?? 1), counted: counted(d) }),
	'message.sent': (_d, subject) => t('admin.audit.says.sent', { subject }),
	...Object.fromEntries(
		(['sent', 'retrying', 'sending', 'failed', 'unknown'] as const).map((state): [string, Says] => [
			`outlet.${state}`,
			(d, subject) => t(`admin.audit.says.outlet.${state}`, { subject, outlet: outletName(str(d.outlet)), reason: clause(str(d.reason)) }).trim(),
		]),
	),
	'message.failed': (d, subject) => t(d.retry === true ? 'admin.audit.says.failedRetry' : 'admin.audit.says.failed', { subject, reason: clause(str(d.reason)) }),
	'message.retrying': (d, subject) => t('admin.audit.says.failedRetry', { subject, reason: clause(str(d.reason)) }),
	'gateway.session_down': (d, subject) => t('admin.audit.says.sessionDown', { subject, reason: clause(str(d.reason)) }),
	'gateway.read_back_failed': (d, subject) => t('admin.audit.says.readBackFailed', { subject, reason: clause(str(d.reason)) }),
	'rules.invalid': (d) => t('admin.audit.says.rulesInvalid', { file: str(d.file), error: clause(str(d.error)) }),
	'message.cancelled': (_d, subject) => t('admin.audit.says.cancelled', { subject }),
	'message.retry': (_d, subject) => t('admin.audit.says.retry', { subject }),
	'admin.login': (d) => t('admin.audit.says.login', { role: role(d.role) }),
	'admin.login.failed': () => t('admin.audit.says.loginFailed'),
	'admin.logout': () => t('admin.audit.says.logout'),
	'admin.user.created': (d) => t('admin.audit.says.userCreated', { username: str(d.username), role: role(d.role) }),
	'admin.user.updated': (d) => t('admin.audit.says.userUpdated', { username: str(d.username), role: role(d.role) }),
	'admin.user.role': (d) => t('admin.audit.says.userRole', { username: str(d.username), role: role(d.role), previous: role(d.previous) }),
	'admin.user.deleted': (d) => t('admin.audit.says.userDeleted', { username: str(d.username) }),
	'subscribers.broadcast': (d, subject) => t('admin.audit.says.broadcast', { subject, sent: Number(d.sent ?? 0), total: Number(d.total ?? 0) }),
	'subscriber.consent_given': () => t('admin.audit.says.consentGiven'),
	'subscriber.consent_withdrawn': () => t('admin.audit.says.consentWithdrawn'),
	'subscriber.reply_failed': () => t('admin.audit.says.replyFailed'),
	'subscriber.erased': () => t('admin.audit.says.erased'),
	'subscribers.purged': () => t('admin.audit.says.purged'),
	'subscribers.reencrypted': (d) => t('admin.audit.says.reencrypted', { count: Number(d.reencrypted ?? 0) }),
	'token.created': (d) => t('admin.audit.says.tokenCreated', { name: str(d.name) }),
	'token.revoked': (d) => t('admin.audit.says.tokenRevoked', { name: str(d.name) }),
	'admin.user.installation': (d) => t(d.installationAdmin === true ? 'admin.audit.says.installationOn' : 'admin.audit.says.installationOff', { username: str(d.username) }),
	'webhook.registered': (d) => t('admin.audit.says.webhookRegistered', { url: str(d.url) }),
	'webhook.removed': (d) => t('admin.audit.says.webhookRemoved', { url: str(d.url) }),
};

/**
 * One sentence for a person. Types without their own sentence read "<name>: «<title>». <note>", the
 * note being the Italian text the scheduler wrote with the entry; other details are for the CSV.
 */
export function sentence(row: AuditRow, subject: Subject | null): string {
	const d = { ...row.details, categoryName: subject?.category ?? (typeof row.details.category === 'string' ? row.details.category : '') };
	const about = subject ? t('admin.audit.subject', { title: subject.title }) : t('admin.audit.noSubject');
	const says = knownEvent(row.type) ? SAYS[row.type] : undefined;
	if (says) return says(d, about);
	const note = str(row.details.note).trim();
	if (!row.messageId) return note ? t('admin.audit.says.note', { note }) : knownEvent(row.type) ? `${eventName(row.type)}.` : '';
	const event = eventName(row.type);
	return note ? t('admin.audit.says.message', { event, subject: about, note: /[.!?]$/.test(note) ? note : `${note}.` }) : t('admin.audit.says.messageOnly', { event, subject: about });
}
