// The SQL of the message queue, shared by both stores: messages, their history, slots, channels, audit log.
import type { Param, Queryable, Statement, Tx } from './store';
import { toMessage, type HistoryEntry, type Message, type MessageRow, type State } from './model';

export interface AuditEntry {
	channel: string | null;
	/** The comune of an entry without a channel (users, tokens); an entry with one belongs to its channel's comune. */
	comune?: string | null;
	type: string;
	messageId?: string | null;
	actor: string;
	details: Record<string, unknown>;
}

/**
 * An insert of one row; with `ifMessageExists`, made only if the message the row names exists, for a
 * batch whose message insert may have found the message's key taken.
 */
function insertRow(table: string, values: Record<string, Param>, ifMessageExists = false): Statement {
	const columns = Object.keys(values);
	const marks = columns.map(() => '?').join(', ');
	const into = `INSERT INTO ${table} (${columns.join(', ')})`;
	const row = { table, columns, ifMessageExists };
	return ifMessageExists
		? { sql: `${into} SELECT ${marks} WHERE EXISTS (SELECT 1 FROM messages WHERE id = ?)`, params: [...Object.values(values), values.message_id], row }
		: { sql: `${into} VALUES (${marks})`, params: Object.values(values), row };
}

export function auditRow(at: number, entry: AuditEntry, ifMessageExists = false): Statement {
	const row = { at, channel: entry.channel, type: entry.type, message_id: entry.messageId ?? null, actor: entry.actor, details: JSON.stringify(entry.details), comune: entry.comune ?? null };
	return insertRow('audit', row, ifMessageExists);
}

export async function audit(q: Queryable, at: number, entry: AuditEntry): Promise<void> {
	const { sql, params } = auditRow(at, entry);
	await q.run(sql, params);
}

export function slotRow(row: { id: string; channel: string; message_id: string; expires_at: number; created_at: number }): Statement {
	return insertRow('slots', { ...row, state: 'active' });
}

export function historyRow(messageId: string, at: number, state: State, note: string | null, ifMessageExists = false): Statement {
	return insertRow('history', { message_id: messageId, at, state, note }, ifMessageExists);
}

export async function addHistory(q: Queryable, messageId: string, at: number, state: State, note: string | null): Promise<void> {
	const { sql, params } = historyRow(messageId, at, state, note);
	await q.run(sql, params);
}

export async function messageRow(q: Queryable, id: string): Promise<MessageRow | undefined> {
	return q.get<MessageRow>('SELECT * FROM messages WHERE id = ?', [id]);
}

export const byKey = (channel: string, dedupeKey: string): Statement => ({ sql: 'SELECT * FROM messages WHERE channel = ? AND dedupe_key = ?', params: [channel, dedupeKey] });

export async function messageByKey(q: Queryable, channel: string, dedupeKey: string): Promise<MessageRow | undefined> {
	const { sql, params } = byKey(channel, dedupeKey);
	return q.get<MessageRow>(sql, params);
}

export async function withHistory(q: Queryable, rows: MessageRow[]): Promise<Message[]> {
	if (rows.length === 0) return [];
	const marks = rows.map(() => '?').join(', ');
	const history = await q.all<{ message_id: string; at: number; state: State; note: string | null }>(
		`SELECT message_id, at, state, note FROM history WHERE message_id IN (${marks}) ORDER BY id`,
		rows.map((r) => r.id),
	);
	const byId = new Map<string, HistoryEntry[]>();
	for (const h of history) {
		const list = byId.get(h.message_id) ?? [];
		list.push({ at: new Date(h.at).toISOString(), state: h.state, note: h.note });
		byId.set(h.message_id, list);
	}
	return rows.map((r) => toMessage(r, byId.get(r.id) ?? []));
}

export async function loadMessage(q: Queryable, id: string): Promise<Message | null> {
	const row = await messageRow(q, id);
	return row ? (await withHistory(q, [row]))[0] : null;
}

export interface Change {
	state: State;
	note: string | null;
	/** Appended to the message's reasons (Italian, for the office). */
	reason?: string;
	set?: Record<string, Param>;
}

function changeRow(row: MessageRow, at: number, from: readonly State[], change: Change): Statement {
	const set: Record<string, Param> = { state: change.state, updated_at: at, ...change.set };
	if (change.reason) set.reasons = JSON.stringify([...(JSON.parse(row.reasons) as string[]), change.reason]);
	const columns = Object.keys(set);
	const marks = from.map(() => '?').join(', ');
	return { sql: `UPDATE messages SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ? AND state IN (${marks})`, params: [...columns.map((c) => set[c]), row.id, ...from] };
}

/** Moves a message to a new state with a history entry; only from `from` states (else returns false). */
export async function changeState(q: Queryable, row: MessageRow, at: number, from: readonly State[], change: Change): Promise<boolean> {
	const { sql, params } = changeRow(row, at, from, change);
	if ((await q.run(sql, params)) === 0) return false;
	await addHistory(q, row.id, at, change.state, change.note);
	return true;
}

/**
 * changeState for a row this transaction read under the channel lock in one of `from`: the change is
 * certain, so it goes with the COMMIT.
 */
export function deferChange(q: Tx, row: MessageRow, at: number, from: readonly State[], change: Change): void {
	if (!from.includes(row.state)) throw new Error(`message ${row.id} is ${row.state}, not ${from.join('/')}`);
	q.defer(changeRow(row, at, from, change));
	q.defer(historyRow(row.id, at, change.state, change.note));
}

export interface SlotRow {
	id: string;
	channel: string;
	message_id: string;
	state: 'active' | 'confirmed' | 'released' | 'expired';
	expires_at: number;
	created_at: number;
}

export async function getSlot(q: Queryable, id: string): Promise<SlotRow | undefined> {
	return q.get<SlotRow>('SELECT * FROM slots WHERE id = ?', [id]);
}
