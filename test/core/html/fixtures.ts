import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A page from test/fixtures/sites, e.g. site('agid/novita.html'). */
export function site(name: string): string {
	return readFileSync(join(__dirname, '../../fixtures/sites', name), 'utf8');
}
