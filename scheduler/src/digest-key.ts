// How a weekly digest is told apart from other messages: its category and its dedupe key.
import type { MessageRow } from './model';

export const DIGEST_CATEGORY = 'riepilogo';
export const DIGEST_KEY = `${DIGEST_CATEGORY}:`;

export const isDigestRow = (row: Pick<MessageRow, 'category' | 'dedupe_key'>): boolean => row.category === DIGEST_CATEGORY && row.dedupe_key.startsWith(DIGEST_KEY);
