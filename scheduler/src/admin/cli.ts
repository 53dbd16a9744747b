// `banditore admin user add` and `banditore admin token add|list|revoke`: the CLI reaches the scheduler's database through its configuration
// (BANDITORE_CONFIG, DATABASE_URL, BANDITORE_DB), as the scheduler itself would.
import { configuredComuni } from '../comuni';
import { loadConfig, type Config } from '../config';
import { openStore, type Store } from '../store';
import { createToken, findToken, listTokens, revokeToken, tokenName, MAX_TOKEN_NAME, type ApiToken } from '../tokens';
import { checkUser, MIN_PASSWORD, saveUser, setInstallationAdmin, type Role } from './users';

export class UserInputError extends Error {}

export interface UserOptions {
	/** The comune of the role; may be left out when the installation has one. */
	comune?: string;
	installationAdmin?: boolean;
}

export async function addUser(env: NodeJS.ProcessEnv, cwd: string, username: string, role: string, password: string, options: UserOptions = {}): Promise<'created' | 'updated'> {
	const problem = checkUser(username, role, password);
	if (problem === 'badName') throw new UserInputError(`"${username}" is not a valid user name: lowercase letters, digits, ".", "-", "_" (2 to 64 characters).`);
	if (problem === 'badRole') throw new UserInputError(`--role must be editor or administrator, got "${role}".`);
	if (problem === 'shortPassword') throw new UserInputError(`the password must have at least ${MIN_PASSWORD} characters.`);
	return withStore(env, cwd, async (store, config) => {
		const comune = comuneOf(config, options.comune);
		const saved = await saveUser(store, username, role as Role, password, 'cli', Date.now(), comune);
		if (saved === 'lastAdmin') throw new UserInputError(`"${username}" is the last administrator of comune "${comune}": make another user administrator there first.`);
		if (saved === 'taken') throw new UserInputError(`"${username}" cannot be changed here.`);
		if (options.installationAdmin) await setInstallationAdmin(store, username, true, 'cli', Date.now());
		return saved;
	});
}

/** The scheduler's database, migrated, for one command. */
async function withStore<T>(env: NodeJS.ProcessEnv, cwd: string, fn: (store: Store, config: Config) => Promise<T>): Promise<T> {
	// The API token is not used here; the scheduler's configuration insists on one.
	const config = loadConfig({ BANDITORE_API_TOKEN: 'not-used-by-the-cli', ...env }, cwd);
	const store = openStore(config.database);
	try {
		await store.migrate();
		return await fn(store, config);
	} finally {
		await store.close();
	}
}

/** A configured comune: the one named, or the only one. */
function comuneOf(config: Config, named: string | undefined): string {
	const ids = configuredComuni(config).map((c) => c.id);
	if (named === undefined) {
		if (ids.length === 1) return ids[0];
		throw new UserInputError(`--comune is required: this installation has several comuni (${ids.join(', ')}).`);
	}
	if (!ids.includes(named)) throw new UserInputError(`comune "${named}" is not configured: the comuni are ${ids.join(', ')}.`);
	return named;
}

/** A new API token of a comune; the token itself is in the answer, once. */
export async function addToken(env: NodeJS.ProcessEnv, cwd: string, comune: string, name: string): Promise<{ token: ApiToken; secret: string }> {
	const clean = tokenName(name);
	if (!clean) throw new UserInputError(`--name must have 1 to ${MAX_TOKEN_NAME} characters besides spaces.`);
	return withStore(env, cwd, (store, config) => createToken(store, comuneOf(config, comune), clean, 'cli', Date.now()));
}

/** The API tokens of a comune, or of every comune. */
export async function tokensOf(env: NodeJS.ProcessEnv, cwd: string, comune: string | undefined): Promise<ApiToken[]> {
	return withStore(env, cwd, (store, config) => listTokens(store, comune === undefined ? null : [comuneOf(config, comune)]));
}

/** Revokes a token by id: false when it was already revoked. */
export async function revokeTokenById(env: NodeJS.ProcessEnv, cwd: string, id: string): Promise<boolean> {
	return withStore(env, cwd, async (store) => {
		const token = await findToken(store, id);
		if (!token) throw new UserInputError(`no API token has id "${id}": see "banditore admin token list".`);
		return revokeToken(store, token, 'cli', Date.now());
	});
}
