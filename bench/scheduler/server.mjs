// The service process of `npm run bench:scheduler`: the real scheduler (dist/), started from the JSON
// config in the file argv[2]; prints `bench-service-url <url>` and serves until SIGTERM. Run with --cpu-prof to profile.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../scheduler/package.json', import.meta.url));
const { startScheduler } = require('./dist/index.js');

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const s = await startScheduler(config, { dispatch: false });
process.stdout.write(`bench-service-url ${s.url}\n`);
const stop = async () => {
	await s.close();
	process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
