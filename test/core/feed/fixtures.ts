import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'feeds');

export function fixture(name: string): string {
	return readFileSync(join(FIXTURES, name), 'utf8');
}

export function fixtureBytes(name: string): Buffer {
	return readFileSync(join(FIXTURES, name));
}
