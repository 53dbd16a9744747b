// core/vendor.ts is the one module that imports third-party libraries; both builds (the n8n package
// and the scheduler) replace its compiled form with one esbuild bundle, so nothing is required at
// run time from node_modules that the package does not declare.
import { join } from 'node:path';
import { build } from 'esbuild';

export async function bundleVendor(root, dist) {
	await build({
		entryPoints: [join(root, 'core/vendor.ts')],
		outfile: join(dist, 'core/vendor.js'),
		bundle: true,
		platform: 'node',
		target: 'node20',
		format: 'cjs',
		legalComments: 'linked',
		logLevel: 'warning',
	});
}
