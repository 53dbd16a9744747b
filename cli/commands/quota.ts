// banditore quota: this week's budget of each channel, asked of the running scheduler.
import { BanditoreError } from '../../core/errors';
import { parseCommandArgs, UsageError } from '../usage';

export const QUOTA_HELP = `Usage: banditore quota [--channel ID] [--url URL] [--json]

Shows, for each channel (or one), the messages used this week against the limit, those in
flight, emergencies, and when the week resets, as the running scheduler counts them.

Options:
  --channel ID   Only this channel
  --url URL      The scheduler (default: $BANDITORE_URL or http://127.0.0.1:8787)
  --json         One JSON object per channel and line
The API token comes from $BANDITORE_API_TOKEN.`;

interface Quota {
	channel: string;
	week: 'iso' | 'rolling';
	limit: number;
	used: number;
	inFlight: number;
	remaining: number;
	emergencies: number;
	nextReset: string | null;
	paused: boolean;
}

export async function quotaCommand(args: string[]): Promise<number> {
	const { values } = parseCommandArgs(
		{
			args,
			options: {
				channel: { type: 'string' },
				url: { type: 'string' },
				json: { type: 'boolean', default: false },
				help: { type: 'boolean', short: 'h', default: false },
			},
		},
		QUOTA_HELP,
	);
	if (values.help) {
		process.stdout.write(`${QUOTA_HELP}\n`);
		return 0;
	}
	const base = (values.url ?? process.env.BANDITORE_URL ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
	const token = process.env.BANDITORE_API_TOKEN;
	if (!token) throw new UsageError('BANDITORE_API_TOKEN is not set: export the scheduler API token first.');
	const ids = values.channel ? [values.channel] : ((await get(base, token, '/v1/channels')) as { channels: Array<{ id: string }> }).channels.map((c) => c.id);
	for (const id of ids) {
		const quota = (await get(base, token, `/v1/channels/${encodeURIComponent(id)}/quota`)) as Quota;
		process.stdout.write(values.json ? `${JSON.stringify(quota)}\n` : `${line(quota)}\n`);
	}
	return 0;
}

function line(q: Quota): string {
	const reset = q.nextReset ? new Date(q.nextReset).toLocaleString('sv-SE', { timeZone: 'Europe/Rome' }).slice(0, 16) : 'rolling';
	const state = q.paused ? ', PAUSED' : '';
	return `${q.channel}: ${q.used} / ${q.limit} used, ${q.inFlight} in flight, ${q.remaining} left, ${q.emergencies} emergencies; resets ${reset} Europe/Rome${state}`;
}

async function get(base: string, token: string, path: string): Promise<unknown> {
	let response: Response;
	try {
		response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
	} catch {
		throw new BanditoreError('unreachable', `The scheduler at ${base} cannot be reached.`, 'Start it with "banditore scheduler", or give its address with --url.');
	}
	const body = (await response.json().catch(() => ({}))) as { message?: string; hint?: string };
	if (!response.ok) throw new BanditoreError('scheduler_error', body.message ?? `The scheduler answered HTTP ${response.status}.`, body.hint);
	return body;
}
