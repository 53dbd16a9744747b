// Which errors are database faults (503, counted by kind) and which are not (the API's own answer).
import { ApiError } from '../../scheduler/src/errors';
import { FaultLog, faultOf, StoreFault } from '../../scheduler/src/store';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

test.each([
	{ name: 'ECONNRESET', error: coded('ECONNRESET'), kind: 'connection' },
	{ name: 'ECONNREFUSED', error: coded('ECONNREFUSED'), kind: 'connection' },
	{ name: 'Connection terminated unexpectedly', error: new Error('Connection terminated unexpectedly'), kind: 'connection' },
	{ name: '57P01', error: coded('57P01', 'terminating connection due to administrator command'), kind: 'connection' },
	{ name: '08006', error: coded('08006'), kind: 'connection' },
	{ name: 'ECONNREFUSED on IPv4 and IPv6', error: new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')]), kind: 'connection' },
	{ name: 'SQLITE_FULL', error: coded('SQLITE_FULL', 'database or disk is full'), kind: 'disk_full' },
	{ name: '53100', error: coded('53100', 'could not extend file'), kind: 'disk_full' },
	{ name: 'a commit group rolled back by ENOSPC', error: new Error('transaction rolled back with its commit group', { cause: coded('ENOSPC') }), kind: 'disk_full' },
	{ name: 'SQLITE_READONLY_DBMOVED', error: coded('SQLITE_READONLY_DBMOVED'), kind: 'read_only' },
	{ name: '25006', error: coded('25006'), kind: 'read_only' },
	{ name: 'SQLITE_IOERR_WRITE', error: coded('SQLITE_IOERR_WRITE'), kind: 'io' },
])('$name is a $kind fault', ({ error, kind }) => {
	expect(faultOf(error)).toBe(kind);
});

test.each([
	{ name: 'an ApiError', error: new ApiError(409, 'invalid_state', 'message is sent') },
	{ name: 'a unique violation (23505)', error: coded('23505', 'duplicate key value violates unique constraint') },
	{ name: 'SQLITE_CONSTRAINT_UNIQUE', error: coded('SQLITE_CONSTRAINT_UNIQUE') },
	{ name: 'a plain error', error: new Error('Too few parameter values') },
])('$name is not a database fault', ({ error }) => {
	expect(faultOf(error)).toBeNull();
	expect(new FaultLog().wrap(error)).toBe(error);
});

test('statements failing together with a lost connection make one pause, that grows with each new failure and ends with a success', () => {
	const log = new FaultLog();
	const first = log.wrap(coded('ECONNRESET')) as StoreFault;
	const second = log.wrap(coded('ECONNRESET')) as StoreFault;
	expect([first.retryInMs, second.retryInMs]).toEqual([100, 100]);
	expect(log.counts.connection).toBe(2);
	expect(() => log.gate()).toThrow(StoreFault);
	log.ok();
	expect(() => log.gate()).not.toThrow();
});
