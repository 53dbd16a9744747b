// banditore scheduler: start the scheduler service (configured by environment and banditore.config.yaml).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export async function schedulerCommand(args: string[]): Promise<number> {
	if (args.includes('--help') || args.includes('-h')) {
		process.stdout.write('Usage: banditore scheduler\n\nStarts the scheduler service. Configuration: environment variables and banditore.config.yaml (see scheduler/README.md).\n');
		return 0;
	}
	const main = join(__dirname, '..', '..', '..', 'scheduler', 'dist', 'main.js');
	if (!existsSync(main)) {
		process.stderr.write('banditore: the scheduler is not built. Run "npm run build" (or "npm run build -w scheduler") first.\n');
		return 1;
	}
	// The scheduler's own entry point handles signals and keeps the process alive.
	await import(pathToFileURL(main).href);
	return await new Promise<number>(() => undefined);
}
