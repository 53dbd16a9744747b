// banditore admin user add <name> --role editor|administrator: a user of the scheduler's admin page.
// The password comes from $BANDITORE_PASSWORD or stdin (never an argument: it would end up in the
// shell history and the process list).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandArgs, readStdin, UsageError } from '../usage';

export const ADMIN_HELP = `Usage: banditore admin user add <name> --role editor|administrator

Creates a user of the scheduler's admin page, or sets the role and password of an existing one
(its open sessions end). The password (at least 10 characters) is read from $BANDITORE_PASSWORD,
or else from stdin, e.g.:  printf '%s' "$PASSWORD" | banditore admin user add maria --role editor
The database is the scheduler's: BANDITORE_CONFIG, DATABASE_URL or BANDITORE_DB, as for the scheduler.

Roles: editor (reads everything, approves, rejects and cancels messages, sends emergencies);
administrator (also edits the rules, pauses the channel and manages users).`;

interface AdminModule {
	addUser(env: NodeJS.ProcessEnv, cwd: string, username: string, role: string, password: string): Promise<'created' | 'updated'>;
	UserInputError: new (...args: never[]) => Error;
}

async function readPassword(): Promise<string> {
	if (process.stdin.isTTY) throw new UsageError('no password: set BANDITORE_PASSWORD or pipe the password on stdin.');
	// One trailing newline (echo, a file) is not part of the password.
	return (await readStdin()).replace(/\r?\n$/, '');
}

export async function adminCommand(args: string[]): Promise<number> {
	const { values, positionals } = parseCommandArgs(
		{ args, allowPositionals: true, options: { role: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } },
		ADMIN_HELP,
	);
	if (values.help) {
		process.stdout.write(`${ADMIN_HELP}\n`);
		return 0;
	}
	const [what, action, name, ...rest] = positionals;
	if (what !== 'user' || action !== 'add' || !name || rest.length) throw new UsageError(ADMIN_HELP);
	if (!values.role) throw new UsageError(`--role is required (editor or administrator).\n${ADMIN_HELP}`);
	const module = join(__dirname, '..', '..', '..', 'scheduler', 'dist', 'scheduler', 'src', 'admin', 'cli.js');
	if (!existsSync(module)) {
		process.stderr.write('banditore: the scheduler is not built. Run "npm run build" (or "npm run build -w scheduler") first.\n');
		return 1;
	}
	const password = process.env.BANDITORE_PASSWORD || (await readPassword());
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const admin = require(module) as AdminModule;
	try {
		const outcome = await admin.addUser(process.env, process.cwd(), name, values.role, password);
		process.stdout.write(`${outcome === 'created' ? 'created' : 'updated'} user "${name}" (${values.role})\n`);
		return 0;
	} catch (error) {
		if (error instanceof admin.UserInputError) throw new UsageError(error.message);
		throw error;
	}
}
