// One scheduler process of `npm run soak`: the real service (scheduler/dist) on a fast clock shared
// with the other processes (SOAK_T0, SOAK_SIM0, SOAK_RATE), dispatching on its own, with an outbox
// transport that fails at random (seeded): refused before writing, or throwing before or after
// the write (an unknown outcome the lease settles). Prints `soak-worker-url <url>`, then a
// `soak-fault <kind>` line for each fault it injects. The orchestrator kills it with SIGKILL.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { random } from './random';

type Deliver = (message: { id: string }, ackUrl: string) => Promise<unknown>;

const root = join(__dirname, '..', '..');
const load = createRequire(join(root, 'scheduler', 'package.json'));
const { startScheduler } = load('./dist/index.js');
const { OutboxTransport } = load('./dist/scheduler/src/delivery/outbox.js') as { OutboxTransport: { prototype: { deliver: Deliver } } };

const env = (name: string) => Number(process.env[name]);
const t0 = env('SOAK_T0');
const sim0 = env('SOAK_SIM0');
const rate = env('SOAK_RATE');
const faultRate = env('SOAK_TRANSPORT_FAULTS');
const next = random(env('SOAK_SEED'));

const fault = (kind: string) => process.stdout.write(`soak-fault ${kind}\n`);
const deliver = OutboxTransport.prototype.deliver;
OutboxTransport.prototype.deliver = async function (this: unknown, message, ackUrl) {
	const roll = next();
	if (roll < faultRate / 3) {
		fault('refused');
		return { kind: 'notHandedOver', reason: 'simulated transport fault', retry: true };
	}
	if (roll < (2 * faultRate) / 3) {
		fault('threw-before');
		throw new Error('simulated transport fault before the write');
	}
	const result = await deliver.call(this, message, ackUrl);
	if (roll < faultRate) {
		fault('threw-after');
		throw new Error('simulated transport fault after the write');
	}
	return result;
};

async function main(): Promise<void> {
	const config = JSON.parse(process.argv[2] ?? '{}');
	const scheduler = await startScheduler(config, { clock: () => new Date(sim0 + (Date.now() - t0) * rate) });
	process.stdout.write(`soak-worker-url ${scheduler.url}\n`);
	process.once('SIGTERM', () => void scheduler.close().then(() => process.exit(0), () => process.exit(1)));
}

main().catch((error: unknown) => {
	process.stderr.write(`soak worker: ${(error as Error)?.stack ?? error}\n`);
	process.exit(1);
});
