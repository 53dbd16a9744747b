// Groups: calls that arrive while groups are in flight form the next group, in arrival order, up to
// the largest group in weight; at most `flights` groups at once and a channel in one of them only, so
// its calls keep their order while other channels go on; a key already in a group holds the rest of
// its channel for the next one; a group that fails as a whole is tried again one call at a time.
import { Groups, type GroupOptions } from '../../scheduler/src/groups';

type Item = { channel: string; key: string; fail?: boolean; weight?: number };

/** Records each group as it starts; a group waits until `open()` (or at once when no gate is set). */
function recorder() {
	const groups: string[][] = [];
	let gate: Promise<void> = Promise.resolve();
	let inFlight = 0;
	let most = 0;
	const handle = async (items: Item[]): Promise<string[]> => {
		groups.push(items.map((i) => `${i.channel}:${i.key}`));
		most = Math.max(most, ++inFlight);
		try {
			await gate;
			if (items.some((i) => i.fail)) throw new Error(`a fault in ${items.map((i) => i.key).join(',')}`);
			return items.map((i) => `ok ${i.channel}:${i.key}`);
		} finally {
			inFlight--;
		}
	};
	let open!: () => void;
	return {
		groups,
		handle,
		most: () => most,
		hold: () => (gate = new Promise((done) => (open = done))),
		open: () => open(),
	};
}

const byChannel = (options: Partial<GroupOptions<Item>> = {}): GroupOptions<Item> => ({
	flights: 1,
	max: 64,
	channelOf: (i) => i.channel,
	keyOf: (i) => `${i.channel}\n${i.key}`,
	...options,
});

describe('Groups', () => {
	test('calls arriving during a group form the next one, in order, up to the largest group', async () => {
		const r = recorder();
		r.hold();
		const line = new Groups<Item, string>(r.handle, byChannel({ max: 3 }));
		const all = ['a', 'b', 'c', 'd', 'e'].map((key) => line.add({ channel: 'meda', key }));
		r.open();
		expect(await Promise.all(all)).toEqual(['ok meda:a', 'ok meda:b', 'ok meda:c', 'ok meda:d', 'ok meda:e']);
		expect(r.groups).toEqual([['meda:a'], ['meda:b', 'meda:c', 'meda:d'], ['meda:e']]);
	});

	test('channels share a group; a key already in it holds the rest of its channel, not the others', async () => {
		const r = recorder();
		r.hold();
		const line = new Groups<Item, string>(r.handle, byChannel());
		const first = line.add({ channel: 'meda', key: 'x' });
		const rest = [
			{ channel: 'meda', key: 'a' },
			{ channel: 'magenta', key: 'a' },
			{ channel: 'meda', key: 'a' },
			{ channel: 'meda', key: 'b' },
			{ channel: 'magenta', key: 'b' },
		].map((i) => line.add(i));
		r.open();
		await Promise.all([first, ...rest]);
		expect(r.groups).toEqual([['meda:x'], ['meda:a', 'magenta:a', 'magenta:b'], ['meda:a', 'meda:b']]);
	});

	test('a channel is never in two flights at once, and other channels do not wait for it', async () => {
		const r = recorder();
		r.hold();
		const line = new Groups<Item, string>(r.handle, byChannel({ flights: 2 }));
		const meda = line.add({ channel: 'meda', key: 'a' });
		const medaNext = line.add({ channel: 'meda', key: 'b' });
		// meda is in flight: the second flight takes magenta alone, meda's next call waits its turn.
		const magenta = line.add({ channel: 'magenta', key: 'a' });
		expect(r.groups).toEqual([['meda:a'], ['magenta:a']]);
		r.open();
		await Promise.all([meda, medaNext, magenta]);
		expect(r.groups).toEqual([['meda:a'], ['magenta:a'], ['meda:b']]);
		expect(r.most()).toBe(2);
	});

	test('no more flights than allowed: the rest wait and go together', async () => {
		const r = recorder();
		r.hold();
		const line = new Groups<Item, string>(r.handle, { flights: 2, max: 100 });
		const all = Array.from({ length: 10 }, (_, n) => line.add({ channel: `c${n}`, key: 'k' }));
		r.open();
		await Promise.all(all);
		expect(r.most()).toBe(2);
		expect(r.groups.map((g) => g.length)).toEqual([1, 1, 8]);
	});

	test('a group is full by weight: a heavy call starts the next one', async () => {
		const r = recorder();
		r.hold();
		const line = new Groups<Item, string>(r.handle, { flights: 1, max: 5, weightOf: (i) => i.weight ?? 1 });
		const all = [1, 2, 2, 3, 1].map((weight, n) => line.add({ channel: 'any', key: `k${n}`, weight }));
		r.open();
		await Promise.all(all);
		expect(r.groups).toEqual([['any:k0'], ['any:k1', 'any:k2'], ['any:k3', 'any:k4']]);
	});

	test('a failed group is tried again one call at a time: only the faulty call fails', async () => {
		const r = recorder();
		r.hold();
		const line = new Groups<Item, string>(r.handle, byChannel());
		const first = line.add({ channel: 'meda', key: 'a' });
		const settled = Promise.allSettled([
			line.add({ channel: 'meda', key: 'b' }),
			line.add({ channel: 'magenta', key: 'c', fail: true }),
			line.add({ channel: 'meda', key: 'd' }),
		]);
		r.open();
		await first;
		const [b, c, d] = await settled;
		expect([b, d]).toEqual([{ status: 'fulfilled', value: 'ok meda:b' }, { status: 'fulfilled', value: 'ok meda:d' }]);
		expect(c).toEqual({ status: 'rejected', reason: new Error('a fault in c') });
		expect(r.groups).toEqual([['meda:a'], ['meda:b', 'magenta:c', 'meda:d'], ['meda:b'], ['magenta:c'], ['meda:d']]);
	});

	test('a further group starts while one is in flight only after it has flown overlapMs', async () => {
		const r = recorder();
		r.hold();
		const line = new Groups<Item, string>(r.handle, byChannel({ flights: 2, overlapMs: 60 }));
		const started = performance.now();
		const first = line.add({ channel: 'meda', key: 'a' });
		const others = [line.add({ channel: 'magenta', key: 'a' }), line.add({ channel: 'seregno', key: 'a' })];
		expect(r.groups).toEqual([['meda:a']]);
		const second = await new Promise<number>((done) => {
			const poll = setInterval(() => r.groups.length > 1 && (clearInterval(poll), done(performance.now() - started)), 5);
		});
		expect(second).toBeGreaterThanOrEqual(55);
		expect(r.groups).toEqual([['meda:a'], ['magenta:a', 'seregno:a']]);
		r.open();
		await Promise.all([first, ...others]);
	});

	test('a group that never ends holds only its own channels', async () => {
		const r = recorder();
		const line = new Groups<Item, string>(
			async (items) => (items.some((i) => i.channel === 'meda') ? new Promise<string[]>(() => undefined) : r.handle(items)),
			byChannel({ flights: 2, overlapMs: 20 }),
		);
		void line.add({ channel: 'meda', key: 'a' });
		void line.add({ channel: 'meda', key: 'b' });
		expect(await line.add({ channel: 'magenta', key: 'a' })).toBe('ok magenta:a');
	});
});
