import {
	builtinCalendar,
	comuneByIstat,
	COMUNI_SOURCE,
	electionStatusAt,
	loadCalendar,
	mergeCalendars,
	periodsFor,
	type CalendarPeriod,
	type ElectionCalendar,
} from '../../core/election';

const MEDA = '108030';
const MILANO = '015146';
const ROMA = '058091';
const TORINO = '001272';

function load(json: unknown): ElectionCalendar {
	const result = loadCalendar(json);
	if (!result.ok) throw new Error(JSON.stringify(result.problems));
	return result.calendar;
}

function periods(calendar: ElectionCalendar, code: string): CalendarPeriod[] {
	const result = periodsFor(calendar, code);
	if (!result.ok) throw new Error(JSON.stringify(result.problems));
	return result.periods;
}

const SRC = 'https://www.gazzettaufficiale.it/';

describe('comuni', () => {
	test('ISTAT codes give name, province and region', () => {
		expect(comuneByIstat(MEDA)).toEqual({
			code: MEDA,
			name: 'Meda',
			province: { code: '108', sigla: 'MB', name: 'Monza e della Brianza' },
			region: { code: '03', name: 'Lombardia' },
		});
		expect(comuneByIstat('15146')?.name).toBe('Milano');
		expect(comuneByIstat('108031')?.name).toBe('Mezzago');
		expect(comuneByIstat('013256')?.name).toBe('Uggiate con Ronago');
		expect(comuneByIstat('999999')).toBeUndefined();
		expect(COMUNI_SOURCE.count).toBe(7896);
	});
});

describe('national vote', () => {
	const calendar = load({
		version: 1,
		votes: [
			{ id: 'europee-2024', kind: 'europee', name: 'Elezioni europee 2024', decreeDate: '2024-04-11', pollsClose: '2024-06-09 23:00', scope: { kind: 'national' }, source: SRC },
		],
	});

	test('starts at local midnight of the decree day and ends when the polls close', () => {
		const [p] = periods(calendar, ROMA);
		expect(p).toEqual({
			id: 'europee-2024',
			name: 'Elezioni europee 2024',
			kind: 'europee',
			start: '2024-04-10T22:00:00.000Z',
			end: '2024-06-09T21:00:00.000Z',
			source: SRC,
			certain: true,
		});
	});

	test('start inclusive, end exclusive', () => {
		const list = periods(calendar, MILANO);
		expect(electionStatusAt(list, '2024-04-10T21:59:59.999Z').status).toBe('none');
		expect(electionStatusAt(list, '2024-04-10T22:00:00.000Z').status).toBe('active');
		expect(electionStatusAt(list, '2024-06-09T20:59:59.999Z').status).toBe('active');
		const after = electionStatusAt(list, '2024-06-09T21:00:00.000Z');
		expect(after).toEqual({ status: 'none', current: [], until: null, next: null });
	});

	test('before the period the next one is told', () => {
		const status = electionStatusAt(periods(calendar, MILANO), new Date('2024-01-01T00:00:00Z'));
		expect(status.status).toBe('none');
		expect(status.next?.id).toBe('europee-2024');
	});

	test('a winter decree day starts at 23:00 UTC', () => {
		const winter = load({
			version: 1,
			votes: [{ id: 'r', kind: 'referendum', name: 'R', decreeDate: '2026-01-14', pollsClose: '2026-03-23 15:00', scope: { kind: 'national' }, source: SRC }],
		});
		expect(periods(winter, MEDA)[0]).toMatchObject({ start: '2026-01-13T23:00:00.000Z', end: '2026-03-23T14:00:00.000Z' });
	});
});

describe('comunali with runoff', () => {
	const calendar = load({
		version: 1,
		votes: [
			{
				id: 'comunali-2024-mb',
				kind: 'comunali',
				name: 'Comunali 2024',
				firstVoteDay: '2024-06-08',
				pollsClose: '2024-06-09 23:00',
				runoffClose: '2024-06-24 15:00',
				scope: { kind: 'comuni', comuni: [MEDA, '108033'] },
				source: SRC,
			},
		],
	});

	test('from the 45th day before the first round through the runoff close', () => {
		const [p] = periods(calendar, MEDA);
		// 8 June − 45 days = 24 April, local midnight (CEST).
		expect(p).toMatchObject({ start: '2024-04-23T22:00:00.000Z', end: '2024-06-24T13:00:00.000Z', certain: true });
		expect(electionStatusAt([p], '2024-06-15T10:00:00Z').status).toBe('active');
		expect(electionStatusAt([p], '2024-06-24T13:00:00Z').status).toBe('none');
	});

	test('a comune that does not vote is not bound', () => {
		expect(periods(calendar, MILANO)).toEqual([]);
		expect(periods(calendar, '108031')).toEqual([]); // Mezzago, next to Meda in the ISTAT list
	});

	test('an explicit decree date wins over the 45-day rule', () => {
		const explicit = load({
			version: 1,
			votes: [{ id: 'c', kind: 'comunali', name: 'C', decreeDate: '2024-04-20', firstVoteDay: '2024-06-08', pollsClose: '2024-06-09 23:00', scope: { kind: 'comuni', comuni: [MEDA] }, source: SRC }],
		});
		expect(periods(explicit, MEDA)[0].start).toBe('2024-04-19T22:00:00.000Z');
	});
});

describe('comunali round without its list of comuni', () => {
	const calendar = load({
		version: 1,
		votes: [
			{
				id: 'comunali-2025',
				kind: 'comunali',
				name: 'Comunali 2025',
				firstVoteDay: '2025-05-25',
				pollsClose: '2025-05-26 15:00',
				runoffClose: '2025-06-09 15:00',
				scope: { kind: 'regions', regions: ['03'], comuniListed: false },
				source: SRC,
			},
		],
	});

	test('possibly applies in the region, to be confirmed', () => {
		const list = periods(calendar, MEDA);
		expect(list).toHaveLength(1);
		expect(list[0].certain).toBe(false);
		expect(electionStatusAt(list, '2025-05-01T10:00:00Z').status).toBe('possible');
		const only = periodsFor(calendar, MEDA, { certainOnly: true });
		expect(only.ok && only.periods).toEqual([]);
	});

	test('does not apply outside the region', () => {
		expect(periods(calendar, ROMA)).toEqual([]);
	});

	test('a round naming regions must say its comuni are not listed', () => {
		const result = loadCalendar({
			version: 1,
			votes: [{ id: 'c', kind: 'comunali', name: 'C', firstVoteDay: '2025-05-25', pollsClose: '2025-05-26 15:00', scope: { kind: 'regions', regions: ['03'] }, source: SRC }],
		});
		expect(result.ok).toBe(false);
		expect(!result.ok && result.problems.map((p) => [p.path, p.code])).toEqual([['votes[0].scope', 'election.scopeComunali']]);
	});
});

describe('regional vote', () => {
	const calendar = load({
		version: 1,
		votes: [
			{ id: 'regionali-2023-lombardia', kind: 'regionali', name: 'Regionali Lombardia 2023', decreeDate: '2022-12-16', pollsClose: '2023-02-13 15:00', scope: { kind: 'regions', regions: ['03'] }, source: SRC },
		],
	});

	test('binds the comuni of the region', () => {
		expect(periods(calendar, MEDA)).toEqual([
			expect.objectContaining({ id: 'regionali-2023-lombardia', start: '2022-12-15T23:00:00.000Z', end: '2023-02-13T14:00:00.000Z', certain: true }),
		]);
		expect(periods(calendar, MILANO)).toHaveLength(1);
	});

	test('not the comuni of other regions', () => {
		expect(periods(calendar, ROMA)).toEqual([]);
		expect(periods(calendar, TORINO)).toEqual([]);
	});
});

describe('ISTAT codes', () => {
	const calendar = load({ version: 1, votes: [] });

	test('an unknown code is a clear problem', () => {
		const result = periodsFor(calendar, '999999');
		expect(result.ok).toBe(false);
		expect(!result.ok && result.problems).toEqual([
			expect.objectContaining({ path: '', code: 'election.unknownComune', message: expect.stringContaining('«999999»') }),
		]);
	});

	test('something that is not a code is a clear problem', () => {
		const result = periodsFor(calendar, 'Meda');
		expect(!result.ok && result.problems[0]).toMatchObject({ code: 'election.badComuneCode', english: expect.stringContaining('"Meda"') });
	});

	test('the numeric form without leading zero is accepted', () => {
		const result = periodsFor(calendar, 15146);
		expect(result.ok && result.comune.name).toBe('Milano');
	});
});

describe('malformed calendar files', () => {
	test('problems name their path, and nothing is returned to apply', () => {
		const result = loadCalendar({
			version: 1,
			votes: [
				{ id: 'ok', kind: 'politiche', name: 'P', decreeDate: '2022-07-21', pollsClose: '2022-09-25 23:00', scope: { kind: 'national' }, source: SRC },
				{ id: 'Bad Id', kind: 'europei', name: 'E', decreeDate: '2024-13-01', pollsClose: '9 giugno 2024', scope: { kind: 'regions', regions: ['21'] }, source: 'gazzetta', extra: 1 },
			],
		});
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect('calendar' in result).toBe(false);
		const paths = result.problems.map((p) => `${p.path} ${p.code}`).sort();
		expect(paths).toEqual(
			[
				'votes[1].id election.id',
				'votes[1].kind election.enum',
				'votes[1].decreeDate election.date',
				'votes[1].pollsClose election.dateTime',
				'votes[1].scope.regions[0] election.region',
				'votes[1].source election.url',
				'votes[1].extra election.unknownKey',
			].sort(),
		);
		for (const p of result.problems) {
			expect(p.message).not.toBe('');
			expect(p.english).not.toBe('');
		}
		expect(result.problems.find((p) => p.code === 'election.date')?.message).toContain('«2024-13-01»');
	});

	test('meaning: dates out of order, duplicate ids, wrong scope, missing decree, unknown comune', () => {
		const result = loadCalendar({
			version: 1,
			votes: [
				{ id: 'a', kind: 'europee', name: 'A', decreeDate: '2024-06-10', pollsClose: '2024-06-09 23:00', scope: { kind: 'regions', regions: ['03'] }, source: SRC },
				{ id: 'a', kind: 'referendum', name: 'B', pollsClose: '2024-06-09 23:00', runoffClose: '2024-06-01 15:00', scope: { kind: 'national' }, source: SRC },
				{ id: 'c', kind: 'comunali', name: 'C', decreeDate: '2024-04-24', pollsClose: '2024-06-09 23:00', scope: { kind: 'comuni', comuni: ['999999'] }, source: SRC },
			],
		});
		expect(!result.ok && result.problems.map((p) => `${p.path} ${p.code}`)).toEqual([
			'votes[0].decreeDate election.decreeAfterVote',
			'votes[0].scope election.scopeNational',
			'votes[1].id election.duplicateId',
			'votes[1].decreeDate election.missingDecree',
			'votes[1].runoffClose election.runoffBeforeClose',
			'votes[2].scope.comuni[0] election.comune',
		]);
	});

	test('a time inside the spring-forward gap is refused', () => {
		const result = loadCalendar({
			version: 1,
			votes: [{ id: 'a', kind: 'referendum', name: 'A', decreeDate: '2024-01-10', pollsClose: '2024-03-31 02:30', scope: { kind: 'national' }, source: SRC }],
		});
		expect(!result.ok && result.problems.map((p) => p.code)).toEqual(['election.dateTime']);
	});

	test('not an object, missing fields', () => {
		expect(loadCalendar(null)).toEqual({ ok: false, problems: [expect.objectContaining({ code: 'election.notAnObject' })] });
		expect(loadCalendar([])).toMatchObject({ ok: false });
		const missing = loadCalendar({ version: 1, votes: [{ id: 'x' }] });
		expect(!missing.ok && missing.problems.map((p) => `${p.path} ${p.code}`)).toEqual(
			expect.arrayContaining(['votes[0].kind election.required', 'votes[0].pollsClose election.required', 'votes[0].source election.required']),
		);
		expect(loadCalendar({ version: 2, votes: [] })).toMatchObject({ ok: false, problems: [{ path: 'version', code: 'election.enum' }] });
	});
});

describe('mergeCalendars', () => {
	const base = load({
		version: 1,
		updated: '2024-01-01',
		votes: [
			{ id: 'a', kind: 'referendum', name: 'Vecchio', decreeDate: '2024-01-10', pollsClose: '2024-03-10 23:00', scope: { kind: 'national' }, source: SRC },
			{ id: 'b', kind: 'europee', name: 'B', decreeDate: '2024-04-11', pollsClose: '2024-06-09 23:00', scope: { kind: 'national' }, source: SRC },
		],
	});
	const update = load({
		version: 1,
		updated: '2024-02-01',
		votes: [
			{ id: 'a', kind: 'referendum', name: 'Nuovo', decreeDate: '2024-01-11', pollsClose: '2024-03-11 15:00', scope: { kind: 'national' }, source: SRC },
			{ id: 'c', kind: 'regionali', name: 'C', decreeDate: '2024-01-05', pollsClose: '2024-02-25 22:00', scope: { kind: 'regions', regions: ['20'] }, source: SRC },
		],
	});

	test('same id replaces, new ids are added, in start order', () => {
		const merged = mergeCalendars(base, update);
		expect(merged.updated).toBe('2024-02-01');
		expect(merged.votes.map((v) => `${v.id}:${v.name}`)).toEqual(['c:C', 'a:Nuovo', 'b:B']);
		expect(base.votes).toHaveLength(2);
	});
});

describe('overlapping periods', () => {
	test('until follows a period that starts before the running one ends', () => {
		const list: CalendarPeriod[] = [
			{ id: 'x', name: 'X', kind: 'europee', start: '2024-04-10T22:00:00.000Z', end: '2024-06-09T21:00:00.000Z', source: SRC, certain: true },
			{ id: 'y', name: 'Y', kind: 'comunali', start: '2024-04-23T22:00:00.000Z', end: '2024-06-24T13:00:00.000Z', source: SRC, certain: false },
		];
		const status = electionStatusAt(list, '2024-04-15T00:00:00Z');
		expect(status).toMatchObject({ status: 'active', until: '2024-06-24T13:00:00.000Z' });
		expect(status.current.map((p) => p.id)).toEqual(['x']);
		expect(status.next?.id).toBe('y');
		expect(() => electionStatusAt(list, 'ieri')).toThrow(RangeError);
	});
});

describe('the shipped calendar', () => {
	test('validates', () => {
		const calendar = builtinCalendar();
		expect(calendar.votes.length).toBeGreaterThanOrEqual(15);
		for (const vote of calendar.votes) expect(vote.source).toMatch(/^https:\/\//);
	});

	test('Meda gets the 2024 European period with the right dates', () => {
		const list = periods(builtinCalendar(), MEDA);
		const europee = list.find((p) => p.id === 'europee-2024');
		expect(europee).toEqual({
			id: 'europee-2024',
			name: 'Elezioni europee 2024',
			kind: 'europee',
			// GU n. 85 of 11 April 2024, 00:00 Rome; polls closed Sunday 9 June 2024 at 23:00 Rome.
			start: '2024-04-10T22:00:00.000Z',
			end: '2024-06-09T21:00:00.000Z',
			source: 'https://www.gazzettaufficiale.it/gazzetta/serie_generale/caricaDettaglio?dataPubblicazioneGazzetta=2024-04-11&numeroGazzetta=85',
			certain: true,
		});
		expect(list.find((p) => p.id === 'regionali-2023-lombardia')?.certain).toBe(true);
		expect(list.find((p) => p.id === 'comunali-2024')?.certain).toBe(false);
		expect(list.find((p) => p.id === 'regionali-2023-lazio')).toBeUndefined();
	});

	test('on 1 May 2024 Meda is in the European period, bound until the 2024 comunali runoff only possibly', () => {
		const status = electionStatusAt(periods(builtinCalendar(), MEDA), '2024-05-01T10:00:00Z');
		expect(status.status).toBe('active');
		expect(status.current.map((p) => p.id)).toEqual(['europee-2024', 'comunali-2024']);
		expect(status.until).toBe('2024-06-24T13:00:00.000Z');
	});

	test('a Sardinian comune gets no Lombard or ordinary-region comunali period', () => {
		const list = periods(builtinCalendar(), '092009'); // Cagliari
		expect(list.every((p) => p.kind !== 'comunali' && p.kind !== 'regionali')).toBe(true);
		expect(list.some((p) => p.id === 'politiche-2022')).toBe(true);
	});
});
