// Pacing: spread the weekly budget so that the end of the week (Friday's events) still finds room.
import { localParts } from './local';
import { DEFAULT_ZONE } from './window';

/**
 * How many counted messages the ISO week may have used by the end of the local day of `at`:
 * ceil(limit × (d + 1) / 7) with d = 0 on Monday … 6 on Sunday. With 10: 2, 3, 5, 6, 8, 9, 10.
 */
export function pacingAllowance(at: Date, limit: number, zone = DEFAULT_ZONE): number {
	const d = localParts(at, zone).weekday - 1;
	return Math.ceil((limit * (d + 1)) / 7);
}
