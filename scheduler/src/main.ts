#!/usr/bin/env node
// Process entry: read the configuration, start, stop gracefully on SIGTERM/SIGINT.
import { ConfigError } from './channels';
import { ConfigInvalid, loadConfig } from './config';
import { startScheduler } from './index';

export async function main(): Promise<void> {
	let config;
	try {
		config = loadConfig();
	} catch (error) {
		if (error instanceof ConfigInvalid) {
			process.stderr.write(`banditore scheduler: ${error.message}\n`);
			process.exit(2);
		}
		throw error;
	}
	// Tests start the process on a fixed date (BANDITORE_CLOCK) that then runs at real speed.
	const start = process.env.BANDITORE_CLOCK ? Date.parse(process.env.BANDITORE_CLOCK) : NaN;
	const offset = Number.isFinite(start) ? start - Date.now() : 0;
	let scheduler;
	try {
		scheduler = await startScheduler(config, { clock: () => new Date(Date.now() + offset) });
	} catch (error) {
		if (error instanceof ConfigError) {
			process.stderr.write(`banditore scheduler: ${error.message}\n`);
			process.exit(2);
		}
		if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
			process.stderr.write(`banditore scheduler: ${config.host}:${config.port} is already in use by another program: stop it, or start the scheduler on another port (PORT=8788).\n`);
			process.exit(2);
		}
		throw error;
	}
	process.stdout.write(`${JSON.stringify({ msg: 'listening', url: scheduler.url })}\n`);
	const stop = (signal: string): void => {
		process.stderr.write(`banditore scheduler: ${signal}, stopping\n`);
		scheduler.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.once('SIGTERM', () => stop('SIGTERM'));
	process.once('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) {
	main().catch((error: unknown) => {
		process.stderr.write(`banditore scheduler: ${(error as Error)?.stack ?? String(error)}\n`);
		process.exit(1);
	});
}
