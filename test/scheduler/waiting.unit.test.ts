// The forecast of a queue (scheduler/src/waiting.ts), pure: the dispatcher's decision asked step by
// step. The DB-backed tests (test/admin/waiting.test.ts) check that dispatch then keeps to it.
import type { QuotaSettings } from '../../core/rules';
import { forecast, mayGo, type Candidate, type LedgerHistory } from '../../scheduler/src/waiting';

/** Wednesday 10 June 2026, 10:00 in Rome. */
const NOW = new Date('2026-06-10T08:00:00Z');
const H = 3_600_000;
const at = (iso: string) => new Date(iso).toISOString();

const quota = (patch: Partial<QuotaSettings> = {}): QuotaSettings => ({
	perWeek: 10,
	week: 'iso',
	emergenciesExempt: true,
	minSpacingMinutes: 0,
	quietHours: null,
	pacing: false,
	...patch,
});

const idle: LedgerHistory = { paused: false, countedClaims: [], lastSentAt: null };

let n = 0;
function m(id: string, patch: Partial<Candidate> = {}): Candidate {
	n++;
	return { id, emergency: false, priority: 50, createdAt: NOW.getTime() - 1000 + n, earliestAt: NOW.getTime(), expiresAt: null, ...patch };
}

const when = (waits: ReturnType<typeof forecast>, id: string) => {
	const w = waits.get(id);
	return { code: w?.code, codes: w?.codes, at: w?.at?.toISOString() ?? null };
};

test('nothing in the way: ready now', () => {
	expect(when(forecast([m('a')], idle, quota(), NOW), 'a')).toEqual({ code: 'ready', codes: ['ready'], at: NOW.toISOString() });
});

test('spacing: one after another, in the order of the line', () => {
	const history = { ...idle, lastSentAt: NOW.getTime() - 30 * 60_000 };
	const waits = forecast([m('low', { priority: 10 }), m('high', { priority: 90 }), m('mid')], history, quota({ minSpacingMinutes: 60 }), NOW);
	expect(when(waits, 'high')).toEqual({ code: 'spacing', codes: ['spacing'], at: at('2026-06-10T08:30:00Z') });
	expect(when(waits, 'mid')).toEqual({ code: 'spacing', codes: ['spacing'], at: at('2026-06-10T09:30:00Z') });
	expect(when(waits, 'low')).toEqual({ code: 'spacing', codes: ['spacing'], at: at('2026-06-10T10:30:00Z') });
});

test('without spacing, everything held back by quiet hours goes when they end', () => {
	const quiet = { from: '21:00', to: '07:00', fromMinute: 21 * 60, toMinute: 7 * 60 };
	const night = new Date('2026-06-10T20:00:00Z');
	const waits = forecast([m('a', { earliestAt: night.getTime() }), m('b', { earliestAt: night.getTime() })], idle, quota({ quietHours: quiet }), night);
	expect(when(waits, 'a')).toEqual({ code: 'quiet_hours', codes: ['quiet_hours'], at: at('2026-06-11T05:00:00Z') });
	expect(when(waits, 'b')).toEqual({ code: 'quiet_hours', codes: ['quiet_hours'], at: at('2026-06-11T05:00:00Z') });
});

test('an emergency does not wait for quiet hours or spacing', () => {
	const quiet = { from: '21:00', to: '07:00', fromMinute: 21 * 60, toMinute: 7 * 60 };
	const night = new Date('2026-06-10T20:00:00Z');
	const history = { ...idle, lastSentAt: night.getTime() - 60_000 };
	const waits = forecast([m('e', { emergency: true, earliestAt: night.getTime() })], history, quota({ quietHours: quiet, minSpacingMinutes: 60 }), night);
	expect(when(waits, 'e')).toEqual({ code: 'ready', codes: ['ready'], at: night.toISOString() });
});

test('pacing: the day’s share is used, the next goes at midnight', () => {
	const monday = new Date('2026-06-08T08:00:00Z');
	const history = { ...idle, countedClaims: [monday.getTime() - 2 * H, monday.getTime() - H], lastSentAt: monday.getTime() - H };
	const waits = forecast([m('a', { earliestAt: monday.getTime() })], history, quota({ pacing: true }), monday);
	expect(when(waits, 'a')).toEqual({ code: 'pacing', codes: ['pacing'], at: at('2026-06-08T22:00:00Z') });
});

test('a rolling week makes room when the oldest counted message leaves it', () => {
	const oldest = NOW.getTime() - 6 * 24 * H;
	const history = { ...idle, countedClaims: [oldest, NOW.getTime() - H], lastSentAt: NOW.getTime() - H };
	const waits = forecast([m('a')], history, quota({ perWeek: 2, week: 'rolling' }), NOW);
	expect(when(waits, 'a')).toEqual({ code: 'quota_exhausted', codes: ['quota_exhausted'], at: new Date(oldest + 7 * 24 * H).toISOString() });
});

test('a message that expires before there is room will not go out', () => {
	const history = { ...idle, countedClaims: [NOW.getTime() - H], lastSentAt: NOW.getTime() - H };
	const friday = new Date('2026-06-12T10:00:00Z').getTime();
	const waits = forecast([m('a', { expiresAt: friday })], history, quota({ perWeek: 1 }), NOW);
	expect(waits.get('a')).toMatchObject({ code: 'expires', at: null, expiresAt: new Date(friday) });
});

test('scheduled, held for approval, held by an election period, paused', () => {
	const later = new Date('2026-06-10T12:00:00Z').getTime();
	const end = new Date('2026-06-12T13:00:00Z').getTime();
	const list = [m('s', { earliestAt: later }), m('h', { held: { code: 'approval' } }), m('e', { held: { code: 'election', until: end, period: 'Comunali' } })];
	const waits = forecast(list, idle, quota(), NOW);
	expect(when(waits, 's')).toEqual({ code: 'scheduled', codes: ['scheduled'], at: at('2026-06-10T12:00:00Z') });
	expect(when(waits, 'h')).toEqual({ code: 'approval', codes: ['approval'], at: null });
	expect(waits.get('e')).toMatchObject({ code: 'election', period: 'Comunali', at: new Date(end) });
	const paused = forecast(list, { ...idle, paused: true }, quota(), NOW);
	expect([...paused.values()].map((w) => w.code).sort()).toEqual(['approval', 'paused', 'paused']);
});

test('the last slot of the week takes a digest of the low-priority messages, as the dispatcher makes it', () => {
	const digest = { enabled: true, maxPriority: 10, minItems: 2, maxItems: 5 };
	const history = { ...idle, countedClaims: [NOW.getTime() - H], lastSentAt: NOW.getTime() - H };
	const news = (id: string) => m(id, { priority: 10, bundle: { id, priority: 10, emergency: false, item: null, text: `Notizia ${id}\nhttps://www.comune.meda.mb.it/${id}` } });
	const waits = forecast([news('a'), news('b'), news('c')], history, quota({ perWeek: 2, digest }), NOW);
	for (const id of ['a', 'b', 'c']) expect(when(waits, id)).toEqual({ code: 'ready', codes: ['ready'], at: NOW.toISOString() });
	// A higher-priority message takes the last slot itself: the news waits for next week.
	const first = forecast([news('a'), news('b'), m('avviso', { priority: 60 })], history, quota({ perWeek: 2, digest }), NOW);
	expect(when(first, 'avviso').code).toBe('ready');
	expect(when(first, 'a')).toEqual({ code: 'quota_exhausted', codes: ['quota_exhausted'], at: at('2026-06-14T22:00:00Z') });
});

test('mayGo is the quota decision: paused, limit, allowed', () => {
	const ledger = { paused: false, counted: 0, oldestCountedAt: null, lastSentAt: null };
	expect(mayGo(NOW, quota(), false, { ...ledger, paused: true })).toEqual({ allow: false, code: 'paused', until: null });
	expect(mayGo(NOW, quota({ perWeek: 1 }), false, { ...ledger, counted: 1 })).toMatchObject({ allow: false, code: 'quota_exhausted' });
	expect(mayGo(NOW, quota(), false, ledger)).toEqual({ allow: true, counts: true });
});
