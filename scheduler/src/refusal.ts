import { t } from '../../core/messages';
import type { RefusalCode } from '../../core/quota';
import { localDate } from './model';

/** Why the ledger said "not now", for the audit log and the message history (Italian). */
export function refusalNote(code: RefusalCode, until: Date | null, limit: number): string {
	if (code === 'paused') return t('scheduler.refused.paused');
	return t(`scheduler.refused.${code}`, { date: until ? localDate(until) : '', limit });
}
