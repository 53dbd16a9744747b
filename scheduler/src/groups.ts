// Calls that arrive while earlier ones are being handled wait, and are then handled together, in
// arrival order: one transaction, one COMMIT and a few round trips for the group instead of for each.
// A channel is never in two groups in flight at once, so its calls keep their order. A further group
// starts while others are in flight only once the latest has flown `overlapMs` (up to `flights` in
// all): big groups while the database answers quickly, and one slow group (a lock held elsewhere)
// does not hold up every other channel. A group that fails as a whole (its COMMIT, a lost connection) is
// tried again one call at a time, so that one call's fault is its own and not its neighbours'.

interface Waiting<I, O> {
	item: I;
	resolve(value: O): void;
	reject(error: unknown): void;
}

export interface GroupOptions<I> {
	/** Groups handled at once, at most. */
	flights: number;
	/** A further group starts while others are in flight only after the latest has flown this long (ms). */
	overlapMs?: number;
	/** The largest group, in weight. */
	max: number;
	/** The item's weight (statements it sends, say); 1 when not given. */
	weightOf?: (item: I) => number;
	/** Items of one channel are handled in arrival order, never in two groups at once. */
	channelOf?: (item: I) => string;
	/** Items with the same key never share a group: the second sees what the first did. */
	keyOf?: (item: I) => string;
}

/**
 * One group in flight normally, a second only after 200 ms. Measured on the province bench (1,000
 * channels, 2 processes): two groups at once took more CPU for smaller groups, and gave fewer
 * decisions a second with a longer tail than one.
 */
export const ONE_GROUP_AT_A_TIME = { flights: 2, overlapMs: 200 } as const;

export class Groups<I, O> {
	private readonly line: Array<Waiting<I, O>> = [];
	/** Channels of the groups in flight. */
	private readonly busy = new Set<string>();
	private flying = 0;
	/** When the latest group started (performance.now()). */
	private lastStart = 0;
	private timer: NodeJS.Timeout | null = null;

	/** @param handle  handles a group; answers one outcome per item, in order */
	constructor(
		private readonly handle: (items: I[]) => Promise<O[]>,
		private readonly options: GroupOptions<I>,
	) {}

	add(item: I): Promise<O> {
		return new Promise<O>((resolve, reject) => {
			this.line.push({ item, resolve, reject });
			this.pump();
		});
	}

	private pump(): void {
		while (this.flying < this.options.flights && this.line.length > 0) {
			const wait = this.flying > 0 ? this.lastStart + (this.options.overlapMs ?? 0) - performance.now() : 0;
			if (wait > 0) {
				this.timer ??= setTimeout(() => {
					this.timer = null;
					this.pump();
				}, Math.ceil(wait));
				return;
			}
			const group = this.take();
			if (group.length === 0) return;
			this.lastStart = performance.now();
			const channels = new Set(group.map((w) => this.channelOf(w.item)).filter((c): c is string => c !== undefined));
			for (const c of channels) this.busy.add(c);
			this.flying++;
			void this.fly(group).finally(() => {
				this.flying--;
				for (const c of channels) this.busy.delete(c);
				this.pump();
			});
		}
	}

	private channelOf(item: I): string | undefined {
		return this.options.channelOf?.(item);
	}

	/**
	 * The next group, in arrival order: items of channels in flight wait, and so does the rest of a
	 * channel after an item whose key is in the group already; at least one item, up to `max` in weight.
	 * O(line) a group, and the line is at most the callers waiting.
	 */
	private take(): Array<Waiting<I, O>> {
		const { max, weightOf, keyOf } = this.options;
		const keys = new Set<string>();
		const stopped = new Set<string | undefined>();
		const group: Array<Waiting<I, O>> = [];
		let weight = 0;
		for (let i = 0; i < this.line.length; ) {
			const w = this.line[i];
			const channel = this.channelOf(w.item);
			const key = keyOf?.(w.item);
			const waits = (channel !== undefined && this.busy.has(channel)) || stopped.has(channel);
			if (!waits && key !== undefined && keys.has(key)) stopped.add(channel);
			const itemWeight = weightOf?.(w.item) ?? 1;
			if (group.length > 0 && weight + itemWeight > max) break;
			if (waits || stopped.has(channel)) {
				i++;
				continue;
			}
			if (key !== undefined) keys.add(key);
			group.push(w);
			weight += itemWeight;
			this.line.splice(i, 1);
		}
		return group;
	}

	private async fly(group: Array<Waiting<I, O>>): Promise<void> {
		try {
			const outcomes = await this.handle(group.map((w) => w.item));
			group.forEach((w, i) => w.resolve(outcomes[i]));
		} catch (error) {
			if (group.length === 1) group[0].reject(error);
			else for (const w of group) await this.handle([w.item]).then(([outcome]) => w.resolve(outcome), w.reject);
		}
	}
}
