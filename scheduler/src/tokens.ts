// A comune's API tokens (issue #17): several per comune, each with a name, revocable. Only the sha256
// of the token is stored (32 random bytes: a hash is enough); the token itself is shown once.
import { createHash, randomBytes } from 'node:crypto';
import { newId } from './ids';
import { audit } from './repo';
import type { Queryable, Store } from './store';

/** Recognisable in logs and secret scanners; never needed to tell a token apart. */
const PREFIX = 'bdt_';
/** last_used_at is written at most this often per token, not on every request. */
const TOUCH_MS = 60_000;
export const MAX_TOKEN_NAME = 80;

export interface ApiToken {
	id: string;
	comune: string;
	name: string;
	createdAt: number;
	createdBy: string;
	lastUsedAt: number | null;
	revokedAt: number | null;
}

type TokenRow = { id: string; comune: string; name: string; created_at: number; created_by: string; last_used_at: number | null; revoked_at: number | null };

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');
const num = (value: number | null): number | null => (value === null ? null : Number(value));
const toToken = (r: TokenRow): ApiToken => ({
	id: r.id,
	comune: r.comune,
	name: r.name,
	createdAt: Number(r.created_at),
	createdBy: r.created_by,
	lastUsedAt: num(r.last_used_at),
	revokedAt: num(r.revoked_at),
});

/** A name the office recognises the token by: 1 to 80 characters once trimmed. */
export const tokenName = (name: string | undefined): string | null => {
	const trimmed = (name ?? '').trim();
	return trimmed && trimmed.length <= MAX_TOKEN_NAME ? trimmed : null;
};

/** A new token of a comune: the row, and the token itself (shown once, never stored). */
export async function createToken(store: Store, comune: string, name: string, actor: string, now: number): Promise<{ token: ApiToken; secret: string }> {
	const secret = `${PREFIX}${randomBytes(32).toString('base64url')}`;
	const id = newId(now);
	await store.tx(async (q) => {
		await q.run('INSERT INTO api_tokens (id, comune, name, token_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)', [id, comune, name, digest(secret), now, actor]);
		await audit(q, now, { channel: null, comune, type: 'token.created', actor, details: { id, name } });
	});
	return { token: { id, comune, name, createdAt: now, createdBy: actor, lastUsedAt: null, revokedAt: null }, secret };
}

/** Tokens of some comuni (all when `comuni` is null), newest first. */
export async function listTokens(q: Queryable, comuni: string[] | null): Promise<ApiToken[]> {
	if (comuni && comuni.length === 0) return [];
	const where = comuni ? ` WHERE comune IN (${comuni.map(() => '?').join(', ')})` : '';
	const rows = await q.all<TokenRow>(`SELECT id, comune, name, created_at, created_by, last_used_at, revoked_at FROM api_tokens${where} ORDER BY created_at DESC, id DESC`, comuni ?? []);
	return rows.map(toToken);
}

export async function findToken(q: Queryable, id: string): Promise<ApiToken | null> {
	const row = await q.get<TokenRow>('SELECT id, comune, name, created_at, created_by, last_used_at, revoked_at FROM api_tokens WHERE id = ?', [id]);
	return row ? toToken(row) : null;
}

/** Revokes a token at once (every process reads the table on each request); false when already revoked. */
export async function revokeToken(store: Store, token: ApiToken, actor: string, now: number): Promise<boolean> {
	return store.tx(async (q) => {
		const changed = await q.run('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now, token.id]);
		if (changed) await audit(q, now, { channel: null, comune: token.comune, type: 'token.revoked', actor, details: { id: token.id, name: token.name } });
		return changed > 0;
	});
}

/** The live token a bearer value is, with its use recorded; null for an unknown or revoked one. */
export async function authenticate(q: Queryable, secret: string, now: number): Promise<ApiToken | null> {
	if (!secret.startsWith(PREFIX)) return null;
	const row = await q.get<TokenRow>('SELECT id, comune, name, created_at, created_by, last_used_at, revoked_at FROM api_tokens WHERE token_hash = ?', [digest(secret)]);
	if (!row || row.revoked_at !== null) return null;
	const token = toToken(row);
	if (token.lastUsedAt === null || now - token.lastUsedAt >= TOUCH_MS) {
		await q.run('UPDATE api_tokens SET last_used_at = ? WHERE id = ?', [now, token.id]);
		token.lastUsedAt = now;
	}
	return token;
}
