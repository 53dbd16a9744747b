// The published n8n package must load in n8n's nodes folder with nothing but n8n-workflow: third-party
// libraries are bundled into dist/core/vendor.js, so any other bare require would fail for users.
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

function jsFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? jsFiles(path) : name.endsWith('.js') ? [path] : [];
	});
}

describe('the n8n package', () => {
	it('declares no runtime dependencies and only n8n-workflow as a peer', () => {
		const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
		expect(pkg.dependencies).toBeUndefined();
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		// Optional: `npm install` in ~/.n8n/nodes (README's manual path) must not install n8n-workflow's
		// latest release next to n8n's own (it builds isolated-vm); n8n provides it at run time.
		expect(pkg.peerDependenciesMeta).toEqual({ 'n8n-workflow': { optional: true } });
		expect(pkg.files).toEqual(['dist']);
	});

	it('requires nothing at run time but Node built-ins, its own files and n8n-workflow', () => {
		const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
		const foreign = new Map<string, string>();
		for (const file of jsFiles(join(ROOT, 'dist'))) {
			for (const [, name] of readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)) {
				if (!name.startsWith('.') && !builtins.has(name) && name !== 'n8n-workflow') foreign.set(name, file);
			}
		}
		expect(Object.fromEntries(foreign)).toEqual({});
	});

	it('lists every built node and credential in the n8n section, and nothing that is not built', () => {
		const { n8n } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
		const built = jsFiles(join(ROOT, 'dist'))
			.map((file) => file.slice(ROOT.length + 1))
			.filter((file) => /\.(node|credentials)\.js$/.test(file))
			.sort();
		expect([...n8n.nodes, ...n8n.credentials].sort()).toEqual(built);
	});
});
