// banditore signup-link: the wa.me sign-up link of a channel and its QR code (SVG and PNG) for the
// comune's website, from the running scheduler's configuration or from a number given here.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { signupQr, signupUrl } from '../../core/signup';
import { parseCommandArgs, UsageError } from '../usage';
import { schedulerClient } from '../scheduler-api';

export const SIGNUP_HELP = `Usage: banditore signup-link --channel ID [--out DIR] [--url URL]
       banditore signup-link --channel ID --number DIGITS [--keyword WORD] [--out DIR]

Prints the sign-up link (https://wa.me/<number>?text=ISCRIVIMI) of a channel with subscribers and
writes its QR code as <channel>-iscrizione.svg and <channel>-iscrizione.png for the website.

Options:
  --channel ID     The channel
  --out DIR        Where the QR codes go (default: the current folder)
  --url URL        The scheduler to ask (default: $BANDITORE_URL or http://127.0.0.1:8787)
  --number DIGITS  The channel's WhatsApp number with the country code: no scheduler needed
  --keyword WORD   The sign-up keyword with --number (default ISCRIVIMI)
The API token comes from $BANDITORE_API_TOKEN.`;

export async function signupCommand(args: string[]): Promise<number> {
	const { values } = parseCommandArgs(
		{
			args,
			options: {
				channel: { type: 'string' },
				out: { type: 'string', default: '.' },
				url: { type: 'string' },
				number: { type: 'string' },
				keyword: { type: 'string', default: 'ISCRIVIMI' },
				help: { type: 'boolean', short: 'h', default: false },
			},
		},
		SIGNUP_HELP,
	);
	if (values.help) {
		process.stdout.write(`${SIGNUP_HELP}\n`);
		return 0;
	}
	const channel = values.channel;
	if (!channel || !/^[a-z0-9][a-z0-9_-]*$/.test(channel)) throw new UsageError(`--channel is required (lowercase letters, digits, - and _)\n${SIGNUP_HELP}`);
	let url: string;
	if (values.number) {
		if (!/^\+?[\d ]{8,20}$/.test(values.number)) throw new UsageError('--number: the WhatsApp number with the country code, e.g. 390297351');
		url = signupUrl(values.number, values.keyword);
	} else {
		url = (await schedulerClient(values.url).signupLink(channel)).url;
	}
	const dir = resolve(values.out);
	mkdirSync(dir, { recursive: true });
	const svg = join(dir, `${channel}-iscrizione.svg`);
	const png = join(dir, `${channel}-iscrizione.png`);
	writeFileSync(svg, await signupQr(url, 'svg'));
	writeFileSync(png, await signupQr(url, 'png'));
	process.stdout.write(`${url}\n${svg}\n${png}\n`);
	return 0;
}
