// n8n's community-node lint, as `n8n-node lint` runs it, without n8n Cloud support: the package
// bundles rss-parser and cheerio and reads the network, which Cloud-verified nodes may not do.
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default [
	...configWithoutCloudSupport,
	{ ignores: ['dist/**', 'dist-bench/**', 'coverage/**', 'data/**', 'scheduler/dist/**', '.n8n-test/**'] },
	{
		// Outside the n8n adapters errors are our own BanditoreError (message + what to do);
		// nodes/shared/errors.ts turns them into NodeApiError/NodeOperationError at the boundary.
		files: ['core/**/*.ts', 'cli/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
	{
		// The scheduler is a service, not node code: its errors are its own (ApiError, ConfigInvalid),
		// answered as HTTP errors or printed at start; n8n's node rules do not apply to it.
		files: ['scheduler/**/*.ts', 'scheduler/**/*.mjs'],
		rules: {
			'@n8n/community-nodes/require-node-api-error': 'off',
			'@n8n/community-nodes/no-dangerous-functions': 'off',
			'no-console': 'off',
		},
	},
	{
		// Benchmarks and tests start real processes (the CLI, a second scheduler); nodes never do.
		files: ['bench/**/*.ts', 'test/**/*.ts'],
		rules: { '@n8n/community-nodes/no-dangerous-functions': 'off' },
	},
	{
		// The CLI, benchmarks and tests talk to a terminal.
		files: ['cli/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
		rules: { 'no-console': 'off' },
	},
];
