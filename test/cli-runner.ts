// The built CLI (dist/cli/banditore.js) in a child process, as people run it: no shell, stdin closed
// after the given input. Async when the test's own process serves the scheduler the CLI asks.
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..');
export const CLI = join(ROOT, 'dist', 'cli', 'banditore.js');

export interface CliRun {
	/** The exit code; null when the process was killed (a timeout). */
	code: number | null;
	stdout: string;
	stderr: string;
}

export interface CliOptions {
	/** Added to this process's environment. */
	env?: Record<string, string>;
	input?: string;
	timeout?: number;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
	return new Promise((resolve) => {
		const child = execFile(process.execPath, [CLI, ...args], { cwd: ROOT, timeout: options.timeout ?? 15_000, encoding: 'utf8', env: { ...process.env, ...options.env } }, (error, stdout, stderr) =>
			resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
		);
		child.stdin?.end(options.input ?? '');
	});
}

/** The same, blocking: only for tests that serve nothing to the CLI from their own process. */
export function runCliSync(args: string[], options: CliOptions = {}): CliRun {
	const run = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, input: options.input, timeout: options.timeout ?? 15_000, encoding: 'utf8', env: { ...process.env, ...options.env } });
	return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}
