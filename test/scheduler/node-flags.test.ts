// The V8 flags the scheduler runs with (scheduler/src/heap.ts) are on every launcher's command line:
// the npm scripts, each systemd unit in its README, the demo's start and the bench.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_FLAGS } from '../../scheduler/src/heap';

const ROOT = join(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const scripts = (path: string): Record<string, string> => JSON.parse(read(path)).scripts;
const flags = NODE_FLAGS.join(' ');

describe('the V8 flags of the scheduler', () => {
	it('are named, and each is one V8 knows', () => {
		expect(NODE_FLAGS.length).toBeGreaterThan(0);
		// node refuses a V8 flag it does not know ("bad option"), so a misspelt one fails here.
		for (const flag of NODE_FLAGS) expect(spawnSync(process.execPath, [flag, '-e', '0'], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
	});

	it('are on the command line of the npm scripts and of each systemd unit', () => {
		expect(scripts('package.json').scheduler).toContain(`node ${flags} scheduler/dist/main.js`);
		expect(scripts('scheduler/package.json').start).toBe(`node ${flags} dist/main.js`);
		// Every unit there (one process, and the template for several).
		const units = read('scheduler/README.md').match(/^ExecStart=.*$/gm) ?? [];
		expect(units.length).toBeGreaterThanOrEqual(2);
		for (const line of units) expect(line).toBe(`ExecStart=/usr/bin/node ${flags} scheduler/dist/main.js`);
	});

	it('are passed by the demo start and by the bench, from the one list', () => {
		expect(read('scripts/start.mjs')).toMatch(/spawn\(process\.execPath, \[\.\.\.NODE_FLAGS, join\(ROOT, 'scheduler', 'dist', 'main\.js'\)\]/);
		expect(read('bench/scheduler/scheduler.mjs')).toMatch(/spawn\(process\.execPath, \[\.\.\.NODE_FLAGS, /);
	});
});

