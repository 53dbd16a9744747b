#!/usr/bin/env node
// banditore: the same core as the n8n nodes, from a terminal.
import { BanditoreError } from '../core/errors';
import { INSTALLED_CALENDAR, useInstalledCalendar } from '../core/election';
import { INSTALLED_CLASSIFIER, useInstalledModel } from '../core/classifier/active';
import { adminCommand } from './commands/admin';
import { demoCommand } from './commands/demo';
import { electionCommand } from './commands/election';
import { feedCommand } from './commands/feed';
import { policyCommand } from './commands/policy';
import { rulesCommand } from './commands/rules';
import { quotaCommand } from './commands/quota';
import { schedulerCommand } from './commands/scheduler';
import { signupCommand } from './commands/signup';
import { subscribersCommand } from './commands/subscribers';
import { UsageError } from './usage';

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
	feed: feedCommand,
	demo: demoCommand,
	rules: rulesCommand,
	election: electionCommand,
	policy: policyCommand,
	scheduler: schedulerCommand,
	quota: quotaCommand,
	admin: adminCommand,
	'signup-link': signupCommand,
	subscribers: subscribersCommand,
};

const HELP = `Usage: banditore <command> [options]

Commands:
  feed <url-or-file>   Read a comune's feed or page and print its items
  rules check <file>   Check a rules file: its problems, or the election periods that apply
  election show|update The built-in election calendar: the periods that bind a comune; install an update
  policy --rules <file>
                       Judge news items (JSON lines on stdin) against the rules
  policy eval <set.jsonl>
                       Measure the rules against a labelled set: bad items caught, good ones blocked
  policy train <set.jsonl>
                       Train the classifier on a comune's own labelled news (data/classifier.json)
  demo [<url-or-file>] A week of the channel, simulated: what would be posted and why not the rest
  scheduler            Start the scheduler service (see scheduler/README.md)
  quota [--channel ID] This week's messages used, in flight and left, per channel
  admin user add <name> --role editor|administrator [--comune <id>] [--installation-admin]
                       Add a user of the admin page (password from $BANDITORE_PASSWORD or stdin)
  admin token add|list|revoke
                       A comune's API tokens (banditore admin --help)
  signup-link --channel ID
                       The WhatsApp sign-up link of a channel and its QR code (SVG, PNG)
  subscribers export|delete|purge|reencrypt
                       GDPR requests (the number on stdin) and key rotation

Run "banditore <command> --help" for the options of a command.`;

async function main(argv: string[]): Promise<number> {
	const [name, ...args] = argv;
	if (!name || name === '--help' || name === '-h') {
		process.stdout.write(`${HELP}\n`);
		return name ? 0 : 2;
	}
	const command = COMMANDS[name];
	if (!command) throw new UsageError(`unknown command "${name}". ${HELP}`);
	// The same election calendar as the scheduler: the shipped one, with an installed update.
	const calendar = process.env.BANDITORE_ELECTION_CALENDAR;
	if (name !== 'election' || args[0] !== 'update') useInstalledCalendar(calendar || INSTALLED_CALENDAR, !!calendar);
	// And the same classifier: the one the comune trained, when there is one.
	if (name !== 'policy' || args[0] !== 'train') useInstalledModel(process.env.BANDITORE_CLASSIFIER || INSTALLED_CLASSIFIER);
	return await command(args);
}

// `banditore feed … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
	if (error.code === 'EPIPE') process.exit(0);
	throw error;
});

const debug = process.argv.includes('--debug');
main(process.argv.slice(2).filter((arg) => arg !== '--debug')).then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		if (debug) process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
		else process.stderr.write(`banditore: ${describe(error)}\n`);
		process.exitCode = error instanceof UsageError ? 2 : 1;
	},
);

function describe(error: unknown): string {
	if (error instanceof UsageError) return error.message;
	// One line, whatever the message holds (a parser's "…\nLine: 3\nColumn: 7"): scripts read the last line.
	const text = error instanceof BanditoreError ? error.describe() : `unexpected error: ${(error as Error)?.message ?? String(error)} (run again with --debug for details)`;
	return text.replace(/\s*\n\s*/g, ' ');
}
