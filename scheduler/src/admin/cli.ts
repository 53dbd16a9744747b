// `banditore admin user add`: the CLI reaches the scheduler's database through its configuration
// (BANDITORE_CONFIG, DATABASE_URL, BANDITORE_DB), as the scheduler itself would.
import { loadConfig } from '../config';
import { openStore } from '../store';
import { checkUser, MIN_PASSWORD, saveUser, type Role } from './users';

export class UserInputError extends Error {}

export async function addUser(env: NodeJS.ProcessEnv, cwd: string, username: string, role: string, password: string): Promise<'created' | 'updated'> {
	const problem = checkUser(username, role, password);
	if (problem === 'badName') throw new UserInputError(`"${username}" is not a valid user name: lowercase letters, digits, ".", "-", "_" (2 to 64 characters).`);
	if (problem === 'badRole') throw new UserInputError(`--role must be editor or administrator, got "${role}".`);
	if (problem === 'shortPassword') throw new UserInputError(`the password must have at least ${MIN_PASSWORD} characters.`);
	// The API token is not used here; the scheduler's configuration insists on one.
	const config = loadConfig({ BANDITORE_API_TOKEN: 'not-used-by-the-cli', ...env }, cwd);
	const store = openStore(config.database);
	try {
		await store.migrate();
		const saved = await saveUser(store, username, role as Role, password, 'cli', Date.now());
		if (saved === 'lastAdmin') throw new UserInputError(`"${username}" is the last administrator: make another user administrator first.`);
		return saved;
	} finally {
		await store.close();
	}
}
