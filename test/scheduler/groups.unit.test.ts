// ChannelGroups: calls for one channel that arrive while a group is handled form the next group, in
// arrival order; a key already in a group starts the next one; a group that fails as a whole is tried
// again one call at a time, so a call's fault is its own; channels do not wait for each other.
import { ChannelGroups } from '../../scheduler/src/groups';

type Item = { key: string; fail?: boolean };

function recorder() {
	const groups: string[][] = [];
	let gate: Promise<void> = Promise.resolve();
	const handle = async (channel: string, items: Item[]): Promise<string[]> => {
		groups.push(items.map((i) => `${channel}:${i.key}`));
		await gate;
		if (items.some((i) => i.fail)) throw new Error(`a fault in ${items.map((i) => i.key).join(',')}`);
		return items.map((i) => `ok ${i.key}`);
	};
	return { groups, handle, hold: (p: Promise<void>) => (gate = p) };
}

describe('ChannelGroups', () => {
	test('calls arriving during a group form the next one, in order, up to the largest group', async () => {
		const r = recorder();
		let open!: () => void;
		r.hold(new Promise((done) => (open = done)));
		const line = new ChannelGroups<Item, string>(r.handle, (i) => i.key, 3);
		const first = line.add('meda', { key: 'a' });
		const rest = ['b', 'c', 'd', 'e'].map((key) => line.add('meda', { key }));
		open();
		expect(await Promise.all([first, ...rest])).toEqual(['ok a', 'ok b', 'ok c', 'ok d', 'ok e']);
		expect(r.groups).toEqual([['meda:a'], ['meda:b', 'meda:c', 'meda:d'], ['meda:e']]);
	});

	test('a key already in the group starts the next one', async () => {
		const r = recorder();
		let open!: () => void;
		r.hold(new Promise((done) => (open = done)));
		const line = new ChannelGroups<Item, string>(r.handle, (i) => i.key);
		const all = ['a', 'b', 'c', 'b', 'd'].map((key) => line.add('meda', { key }));
		open();
		await Promise.all(all);
		expect(r.groups).toEqual([['meda:a'], ['meda:b', 'meda:c'], ['meda:b', 'meda:d']]);
	});

	test('a failed group is tried again one call at a time: only the faulty call fails', async () => {
		const r = recorder();
		let open!: () => void;
		r.hold(new Promise((done) => (open = done)));
		const line = new ChannelGroups<Item, string>(r.handle, (i) => i.key);
		const first = line.add('meda', { key: 'a' });
		const settled = Promise.allSettled([line.add('meda', { key: 'b' }), line.add('meda', { key: 'c', fail: true }), line.add('meda', { key: 'd' })]);
		open();
		await first;
		const [b, c, d] = await settled;
		expect([b, d]).toEqual([{ status: 'fulfilled', value: 'ok b' }, { status: 'fulfilled', value: 'ok d' }]);
		expect(c).toEqual({ status: 'rejected', reason: new Error('a fault in c') });
		expect(r.groups).toEqual([['meda:a'], ['meda:b', 'meda:c', 'meda:d'], ['meda:b'], ['meda:c'], ['meda:d']]);
	});

	test('channels do not wait for each other', async () => {
		const r = recorder();
		const line = new ChannelGroups<Item, string>(async (channel, items) => (channel === 'meda' ? new Promise<string[]>(() => undefined) : r.handle(channel, items)), (i) => i.key);
		void line.add('meda', { key: 'a' });
		expect(await line.add('magenta', { key: 'a' })).toBe('ok a');
	});
});
