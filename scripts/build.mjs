// Build the n8n package: compile with tsc, copy icons and codex files, then replace the compiled
// core/vendor.js with a bundle of the third-party libraries it re-exports, so that dist/ needs no
// runtime dependencies (n8n's community-node rule) and every node shares one copy of them.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, statSync, chmodSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleVendor } from './bundle-vendor.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', root], {
	stdio: 'inherit',
});

function copyAssets(dir) {
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) copyAssets(path);
		else if (/\.(svg|png)$|\.node\.json$/.test(name)) {
			const target = join(dist, relative(root, path));
			mkdirSync(dirname(target), { recursive: true });
			cpSync(path, target);
		}
	}
}
for (const dir of ['nodes', 'credentials', 'icons']) {
	try {
		copyAssets(join(root, dir));
	} catch (error) {
		if (error.code !== 'ENOENT') throw error;
	}
}

await bundleVendor(root, dist);

chmodSync(join(dist, 'cli/banditore.js'), 0o755);

// The scheduler workspace builds into scheduler/dist (its own tsconfig and dependencies).
execFileSync('npm', ['run', 'build', '-w', 'scheduler'], { cwd: root, stdio: 'inherit' });
