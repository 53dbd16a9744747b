import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRulesFile } from '../../core/rules';
import { failureOf } from '../failure';

describe('readRulesFile', () => {
	it('reads the text of a rules file', async () => {
		const path = join(await mkdtemp(join(tmpdir(), 'rules-read-')), 'meda.yaml');
		await writeFile(path, 'canale: meda\n');
		expect(await readRulesFile(path)).toBe('canale: meda\n');
	});

	it('says why a rules file cannot be read', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'rules-read-'));
		const missing = await failureOf(readRulesFile(join(dir, 'nessuno.yaml')));
		expect(missing.code).toBe('rules_unreadable');
		expect(missing.message).toBe(`The rules file ${join(dir, 'nessuno.yaml')} does not exist.`);
		expect(missing.hint).toBe('Check the path and the file name.');
		expect((await failureOf(readRulesFile(dir))).message).toBe(`The rules file ${dir} is a folder.`);
	});
});
