// Ids of messages and slots: UUID version 7 (RFC 9562), time first. Rows inserted one after another
// get neighbouring keys, so each insert touches the last page of the primary-key index (and of the
// indexes keyed by message id) instead of a random one: fewer pages written per commit.
import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/** Random bytes drawn 4 KiB at a time: one call to the system's generator per 256 ids, not one each. */
const pool = Buffer.alloc(4096);
let used = pool.length;

function randomSixteen(): Buffer {
	if (used === pool.length) {
		randomFillSync(pool);
		used = 0;
	}
	return Buffer.from(pool.subarray(used, (used += 16)));
}

export function newId(now = Date.now()): string {
	// Within one millisecond a 12-bit counter (in the rand_a field) keeps ids in creation order.
	if (now > lastMs) {
		lastMs = now;
		counter = 0;
	} else counter = (counter + 1) & 0xfff;
	const bytes = randomSixteen();
	bytes.writeUIntBE(lastMs, 0, 6);
	bytes[6] = 0x70 | (counter >> 8);
	bytes[7] = counter & 0xff;
	bytes[8] = 0x80 | (bytes[8] & 0x3f);
	const hex = bytes.toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
