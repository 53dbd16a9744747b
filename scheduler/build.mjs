// Build the scheduler: tsc (scheduler/src and the ../core files it imports) into dist/, the SQL
// migrations next to the compiled store, core/vendor bundled, and dist/main.js as the entry point.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleVendor } from '../scripts/bundle-vendor.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const dist = join(here, 'dist');

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(here, 'tsconfig.json')], { stdio: 'inherit' });
cpSync(join(here, 'src/migrations'), join(dist, 'scheduler/src/migrations'), { recursive: true });
await bundleVendor(root, dist);
writeFileSync(join(dist, 'main.js'), "#!/usr/bin/env node\n'use strict';\nconst entry = require('./scheduler/src/main.js');\nentry.main().catch((error) => entry.fail(error));\n");
writeFileSync(join(dist, 'index.js'), "'use strict';\nmodule.exports = require('./scheduler/src/index.js');\n");
chmodSync(join(dist, 'main.js'), 0o755);
