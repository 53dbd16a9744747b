#!/usr/bin/env node
// Process entry: read the configuration, start, stop gracefully on SIGTERM/SIGINT. A start that
// fails says why in one sentence (exit 2 when it is something to fix on this host); the stack only
// with --debug.
import { loadConfig, type Config } from './config';
import { startScheduler } from './index';
import { startupProblem } from './startup';

const say = (line: string): void => {
	process.stderr.write(`banditore scheduler: ${line}\n`);
};

/** Ends the process for an error that stopped the start. */
export function fail(error: unknown, config: Config | null = null, debug = process.argv.includes('--debug')): never {
	const problem = startupProblem(error, config);
	say(problem ?? `could not start: ${(error as Error)?.message ?? String(error)} (run with --debug to see where).`);
	if (debug) process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
	process.exit(problem ? 2 : 1);
}

export async function main(): Promise<void> {
	let config: Config | null = null;
	let scheduler;
	try {
		config = loadConfig();
		// Tests start the process on a fixed date (BANDITORE_CLOCK) that then runs at real speed.
		const start = process.env.BANDITORE_CLOCK ? Date.parse(process.env.BANDITORE_CLOCK) : NaN;
		const offset = Number.isFinite(start) ? start - Date.now() : 0;
		scheduler = await startScheduler(config, { clock: () => new Date(Date.now() + offset) });
	} catch (error) {
		fail(error, config);
	}
	process.stdout.write(`${JSON.stringify({ msg: 'listening', url: scheduler.url })}\n`);
	const stop = (signal: string): void => {
		say(`${signal}, stopping`);
		scheduler.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.once('SIGTERM', () => stop('SIGTERM'));
	process.once('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) main().catch((error: unknown) => fail(error));
