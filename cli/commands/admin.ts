// banditore admin user add <name> --role editor|administrator: a user of the scheduler's admin page;
// banditore admin token add|list|revoke: a comune's API tokens.
// The password comes from $BANDITORE_PASSWORD or stdin (never an argument: it would end up in the
// shell history and the process list).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandArgs, readStdin, UsageError } from '../usage';

export const ADMIN_HELP = `Usage: banditore admin user add <name> --role editor|administrator [--comune <id>] [--installation-admin]
       banditore admin token add <comune> --name <name>
       banditore admin token list [--comune <id>]
       banditore admin token revoke <id>

user add: creates a user of the scheduler's admin page, or sets the password of an existing one
(its open sessions end) and its role in the comune (--comune; may be left out when the installation
has one comune). --installation-admin: the user also manages every comune. The password (at least 10
characters) is read from $BANDITORE_PASSWORD, or else from stdin, e.g.:
  printf '%s' "$PASSWORD" | banditore admin user add maria --role editor
token add: a new API token of the comune, printed once (only its hash is stored); token list: the
tokens with their last use; token revoke: the token stops working at once.
The database is the scheduler's: BANDITORE_CONFIG, DATABASE_URL or BANDITORE_DB, as for the scheduler.

Roles: editor (reads everything, approves, rejects and cancels messages, sends emergencies);
administrator (also edits the rules, pauses the channel, manages users and API tokens).`;

interface TokenView {
	id: string;
	comune: string;
	name: string;
	lastUsedAt: number | null;
	revokedAt: number | null;
}

interface AdminModule {
	addUser(env: NodeJS.ProcessEnv, cwd: string, username: string, role: string, password: string, options: { comune?: string; installationAdmin?: boolean }): Promise<'created' | 'updated'>;
	addToken(env: NodeJS.ProcessEnv, cwd: string, comune: string, name: string): Promise<{ token: TokenView; secret: string }>;
	tokensOf(env: NodeJS.ProcessEnv, cwd: string, comune: string | undefined): Promise<TokenView[]>;
	revokeTokenById(env: NodeJS.ProcessEnv, cwd: string, id: string): Promise<boolean>;
	UserInputError: new (...args: never[]) => Error;
}

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString());

async function readPassword(): Promise<string> {
	if (process.stdin.isTTY) throw new UsageError('no password: set BANDITORE_PASSWORD or pipe the password on stdin.');
	// One trailing newline (echo, a file) is not part of the password.
	return (await readStdin()).replace(/\r?\n$/, '');
}

export async function adminCommand(args: string[]): Promise<number> {
	const { values, positionals } = parseCommandArgs(
		{
			args,
			allowPositionals: true,
			options: {
				role: { type: 'string' },
				comune: { type: 'string' },
				'installation-admin': { type: 'boolean', default: false },
				name: { type: 'string' },
				help: { type: 'boolean', short: 'h', default: false },
			},
		},
		ADMIN_HELP,
	);
	if (values.help) {
		process.stdout.write(`${ADMIN_HELP}\n`);
		return 0;
	}
	const [what, action, name, ...rest] = positionals;
	const token = what === 'token' && ((action === 'add' && name && values.name !== undefined) || (action === 'list' && !name) || (action === 'revoke' && name));
	if (!token && (what !== 'user' || action !== 'add' || !name)) throw new UsageError(ADMIN_HELP);
	if (rest.length) throw new UsageError(ADMIN_HELP);
	if (!token && !values.role) throw new UsageError(`--role is required (editor or administrator).\n${ADMIN_HELP}`);
	const module = join(__dirname, '..', '..', '..', 'scheduler', 'dist', 'scheduler', 'src', 'admin', 'cli.js');
	if (!existsSync(module)) {
		process.stderr.write('banditore: the scheduler is not built. Run "npm run build" (or "npm run build -w scheduler") first.\n');
		return 1;
	}
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const admin = require(module) as AdminModule;
	try {
		if (token) return await tokenCommand(admin, action, name, values);
		const password = process.env.BANDITORE_PASSWORD || (await readPassword());
		const outcome = await admin.addUser(process.env, process.cwd(), name, values.role as string, password, { comune: values.comune, installationAdmin: values['installation-admin'] });
		process.stdout.write(`${outcome === 'created' ? 'created' : 'updated'} user "${name}" (${values.role})\n`);
		return 0;
	} catch (error) {
		if (error instanceof admin.UserInputError) throw new UsageError(error.message);
		throw error;
	}
}

async function tokenCommand(admin: AdminModule, action: string, arg: string | undefined, values: { comune?: string; name?: string }): Promise<number> {
	if (action === 'add') {
		const { token, secret } = await admin.addToken(process.env, process.cwd(), arg as string, values.name ?? '');
		process.stdout.write(`created API token "${token.name}" of comune "${token.comune}" (id ${token.id}); it is shown only now:\n${secret}\n`);
		return 0;
	}
	if (action === 'revoke') {
		const revoked = await admin.revokeTokenById(process.env, process.cwd(), arg as string);
		process.stdout.write(revoked ? `revoked API token ${arg}\n` : `API token ${arg} was already revoked\n`);
		return 0;
	}
	const tokens = await admin.tokensOf(process.env, process.cwd(), values.comune);
	process.stdout.write(['id\tcomune\tname\tlast used\trevoked', ...tokens.map((t) => [t.id, t.comune, t.name, iso(t.lastUsedAt), iso(t.revokedAt)].join('\t'))].join('\n') + '\n');
	return 0;
}
