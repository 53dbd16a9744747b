// The soak's invariants catch what they are there for: a message lost, one delivered twice, a week over the limit.
import { checkSoak, type SoakRow } from '../../bench/soak/check';

const WEEK = 7 * 24 * 3600 * 1000;
const weekOf = (ms: number) => `w${Math.floor(ms / WEEK)}`;
const row = (i: number, patch: Partial<SoakRow> = {}): SoakRow => ({ id: `m${i}`, dedupe_key: `k${i}`, state: 'sent', emergency: 0, counted: 1, claimed_at: i * 1000, ...patch });

test('a clean run passes, with its figures', () => {
	const rows = [row(1), row(2), row(3, { state: 'expired', counted: 0, claimed_at: null })];
	const verdict = checkSoak(rows, ['m1', 'm2'], new Set(['k1', 'k2', 'k3']), 2, weekOf);
	expect(verdict.failures).toEqual([]);
	expect(verdict.figures).toMatchObject({ enqueued: 3, delivered: 2, maxPerWeek: 2, weeksAtLimit: 1, 'state.sent': 2, 'state.expired': 1 });
});

test('lost, twice, in flight and over the limit are each reported', () => {
	const rows = [row(1), row(2), row(3), row(4, { state: 'sending' }), row(5, { emergency: 1 })];
	const { failures } = checkSoak(rows, ['m1', 'm1', 'm2', 'm5'], new Set(['k1', 'k2', 'k3', 'k4', 'k5', 'k9']), 2, weekOf);
	expect(failures).toEqual([
		'1 enqueued items missing from the database (k9)',
		'1 messages delivered more than once (m1)',
		'1 messages recorded as sent but never delivered',
		'1 messages still in flight after the settling time',
		'weekly limit of 2 exceeded in w0 (4)',
	]);
});
