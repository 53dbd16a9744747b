import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// n8n-core writes its instance settings under N8N_USER_FOLDER: keep them out of the user's home.
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'banditore-n8n-'));
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'false';
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
process.env.TZ ??= 'UTC';
