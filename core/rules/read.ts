import { readFile } from 'node:fs/promises';
import { BanditoreError } from '../errors';

/** The text of a rules file; one that cannot be read is an error saying why (the CLI and the nodes alike). */
export async function readRulesFile(path: string): Promise<string> {
	try {
		return await readFile(path, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const why =
			code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : code === 'EACCES' ? 'cannot be read (permissions)' : `cannot be read (${code ?? String(error)})`;
		throw new BanditoreError('rules_unreadable', `The rules file ${path} ${why}.`, code === 'ENOENT' ? 'Check the path and the file name.' : undefined, { cause: error });
	}
}
