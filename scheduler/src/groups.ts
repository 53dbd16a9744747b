// Calls for one channel that arrive while an earlier group of them is being handled wait, and are then
// handled together, in arrival order: a channel's lock is taken once for the group instead of once
// each. A group that fails as a whole (its COMMIT, a lost connection) is tried again one call at a
// time, so that one call's fault is its own and not its neighbours'.

interface Waiting<I, O> {
	item: I;
	resolve(value: O): void;
	reject(error: unknown): void;
}

export class ChannelGroups<I, O> {
	private readonly waiting = new Map<string, Array<Waiting<I, O>>>();

	/**
	 * @param handle  handles a group of one channel; answers one outcome per item, in order
	 * @param keyOf   items with the same key never share a group (the second sees what the first did)
	 * @param max     the largest group
	 */
	constructor(
		private readonly handle: (channel: string, items: I[]) => Promise<O[]>,
		private readonly keyOf: (item: I) => string,
		private readonly max = 64,
	) {}

	add(channel: string, item: I): Promise<O> {
		return new Promise<O>((resolve, reject) => {
			const line = this.waiting.get(channel);
			if (line) {
				line.push({ item, resolve, reject });
				return;
			}
			this.waiting.set(channel, [{ item, resolve, reject }]);
			void this.drain(channel);
		});
	}

	private async drain(channel: string): Promise<void> {
		const line = this.waiting.get(channel) as Array<Waiting<I, O>>;
		while (line.length > 0) {
			const group = this.take(line);
			try {
				const outcomes = await this.handle(channel, group.map((w) => w.item));
				group.forEach((w, i) => w.resolve(outcomes[i]));
			} catch (error) {
				if (group.length === 1) group[0].reject(error);
				else for (const w of group) await this.handle(channel, [w.item]).then(([outcome]) => w.resolve(outcome), w.reject);
			}
		}
		this.waiting.delete(channel);
	}

	/** The next group: the first in line, up to `max` or to a key already in it; the rest stay in line. */
	private take(line: Array<Waiting<I, O>>): Array<Waiting<I, O>> {
		const keys = new Set<string>();
		let n = 0;
		while (n < line.length && n < this.max && !keys.has(this.keyOf(line[n].item))) keys.add(this.keyOf(line[n++].item));
		return line.splice(0, n);
	}
}
