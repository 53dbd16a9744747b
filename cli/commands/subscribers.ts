// banditore subscribers: GDPR requests and key maintenance, asked of the running scheduler. The
// number comes from stdin or $BANDITORE_SUBSCRIBER_NUMBER, never from the arguments (`ps` shows those).
import { schedulerClient } from '../scheduler-api';
import { parseCommandArgs, UsageError } from '../usage';

export const SUBSCRIBERS_HELP = `Usage: banditore subscribers <export|delete|purge|reencrypt> [--channel ID] [--url URL]

  export      Everything held about one number (GDPR art. 15), as JSON: give it to that person only
  delete      Erase everything held about one number (GDPR art. 17)
  purge       Delete consent records past their retention and expired sign-ups now (also done daily)
  reencrypt   After adding a new first key to BANDITORE_SUBSCRIBER_KEYS: move every number to it

export and delete read the number from $BANDITORE_SUBSCRIBER_NUMBER or the first line of stdin:
  echo '+39 347 123 4567' | banditore subscribers export > richiesta.json

Options:
  --channel ID   Only this channel (default: every channel with subscribers)
  --url URL      The scheduler (default: $BANDITORE_URL or http://127.0.0.1:8787)
The API token comes from $BANDITORE_API_TOKEN.`;

export async function subscribersCommand(args: string[]): Promise<number> {
	const { values, positionals } = parseCommandArgs(
		{ args, allowPositionals: true, options: { channel: { type: 'string' }, url: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } },
		SUBSCRIBERS_HELP,
	);
	if (values.help) {
		process.stdout.write(`${SUBSCRIBERS_HELP}\n`);
		return 0;
	}
	const action = positionals[0];
	if (!['export', 'delete', 'purge', 'reencrypt'].includes(action ?? '') || positionals.length > 1) {
		throw new UsageError(`${positionals.length > 1 ? 'the number is read from stdin or $BANDITORE_SUBSCRIBER_NUMBER, not from the arguments' : `unknown action "${action ?? ''}"`}\n${SUBSCRIBERS_HELP}`);
	}
	if (action === 'purge' || action === 'reencrypt') {
		const client = schedulerClient(values.url);
		process.stdout.write(`${JSON.stringify(action === 'purge' ? await client.purgeSubscribers() : await client.reencryptSubscribers())}\n`);
		return 0;
	}
	const number = (process.env.BANDITORE_SUBSCRIBER_NUMBER || (await firstLine())).trim();
	if (!number) throw new UsageError('no number: pipe it on stdin or set BANDITORE_SUBSCRIBER_NUMBER.');
	const client = schedulerClient(values.url);
	const answer = action === 'export' ? await client.exportSubscriber(number, values.channel) : await client.deleteSubscriber(number, values.channel);
	process.stdout.write(`${JSON.stringify(answer, null, action === 'export' ? 2 : 0)}\n`);
	return 0;
}

async function firstLine(): Promise<string> {
	if (process.stdin.isTTY) return '';
	let text = '';
	for await (const chunk of process.stdin) {
		text += String(chunk);
		if (text.includes('\n')) break;
	}
	return text.split('\n')[0];
}
