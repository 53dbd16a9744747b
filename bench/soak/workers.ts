// The scheduler processes of the soak: started, killed with SIGKILL and started again; any exit the
// soak did not cause is a crash, reported with its stderr.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface Pool {
	/** The URL of a process answering now, at random, or null while none is up. */
	url(pick: number): string | null;
	kill(index: number): void;
	start(index: number): Promise<void>;
	stopAll(): Promise<void>;
	readonly faults: Record<string, number>;
	readonly crashes: string[];
	readonly kills: number;
}

export function workerPool(count: number, config: unknown, env: Record<string, string>, seed: number): Pool {
	const script = join(__dirname, 'worker.js');
	const children: Array<{ child: ChildProcess; url: string | null } | null> = Array.from({ length: count }, () => null);
	const faults: Record<string, number> = {};
	const crashes: string[] = [];
	let kills = 0;
	let starts = 0;

	const start = (index: number) =>
		new Promise<void>((resolve, reject) => {
			const child = spawn(process.execPath, [script, JSON.stringify(config)], {
				env: { ...process.env, ...env, SOAK_SEED: String(seed + 7919 * ++starts) },
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			const slot = { child, url: null as string | null };
			children[index] = slot;
			let err = '';
			let out = '';
			child.stderr?.on('data', (d) => (err += d));
			child.stdout?.on('data', (d) => {
				out += d;
				const lines = out.split('\n');
				out = lines.pop() ?? '';
				for (const line of lines) {
					if (line.startsWith('soak-worker-url ')) {
						slot.url = line.slice(16).trim();
						resolve();
					} else if (line.startsWith('soak-fault ')) faults[line.slice(11)] = (faults[line.slice(11)] ?? 0) + 1;
				}
			});
			child.on('exit', (code, signal) => {
				if (children[index] === slot) children[index] = null;
				if (signal !== 'SIGKILL' && signal !== 'SIGTERM' && code !== 0) crashes.push(`worker ${index} exited with ${code ?? signal}: ${err.trim().slice(-2000)}`);
				reject(new Error(`worker ${index} exited before listening: ${err.trim().slice(-500)}`));
			});
		});

	return {
		url(pick) {
			const up = children.filter((c) => c?.url);
			return up.length ? (up[Math.floor(pick * up.length)]?.url ?? null) : null;
		},
		kill(index) {
			const slot = children[index];
			if (!slot) return;
			children[index] = null;
			kills++;
			slot.child.kill('SIGKILL');
		},
		start,
		async stopAll() {
			await Promise.all(
				children.map((slot, i) => {
					if (!slot) return undefined;
					children[i] = null;
					return new Promise<void>((done) => {
						slot.child.once('exit', () => done());
						slot.child.kill('SIGTERM');
					});
				}),
			);
		},
		faults,
		crashes,
		get kills() {
			return kills;
		},
	};
}
