// Keeps sends to a rate: each send takes the next slot of a clock-based schedule. A small burst
// allowance lets the schedule catch up after a late timer without ever exceeding the rate over time.
export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
	now: () => performance.timeOrigin + performance.now(),
	sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class RateLimiter {
	private next = 0;
	private pausedUntil = 0;
	private current: number;

	constructor(
		private readonly cap: number,
		private readonly clock: Clock = realClock,
	) {
		this.current = cap;
	}

	get rate(): number {
		return this.current;
	}

	/** Resolves when the caller may send. */
	async take(): Promise<void> {
		for (;;) {
			const now = this.clock.now();
			const interval = 1000 / this.current;
			// At most ~50 ms of sends may be caught up at once.
			const burst = Math.max(1, this.current / 20) * interval;
			const slot = Math.max(this.next, now - burst);
			this.next = slot + interval;
			if (slot > now) await this.clock.sleep(slot - now);
			// A pause that came while this caller slept holds it too: take a slot after the pause.
			if (this.clock.now() >= this.pausedUntil) return;
		}
	}

	/** No send before `ms` from now (account-level throttling), callers already waiting included. */
	pause(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
		this.next = Math.max(this.next, this.pausedUntil);
	}

	/** Slow down after sustained throttling, never below one message a second. */
	slowDown(factor = 0.8): void {
		this.current = Math.max(1, this.current * factor);
	}

	/** Back towards the configured rate. */
	speedUp(step = 0.05): void {
		this.current = Math.min(this.cap, this.current + this.cap * step);
	}
}
