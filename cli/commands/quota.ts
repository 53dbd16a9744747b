// banditore quota: this week's budget of each channel, asked of the running scheduler.
import type { SchedulerQuota } from '../../core/scheduler';
import { schedulerClient } from '../scheduler-api';
import { parseCommandArgs } from '../usage';

export const QUOTA_HELP = `Usage: banditore quota [--channel ID] [--url URL] [--json]

Shows, for each channel (or one), the messages used this week against the limit, those in
flight, emergencies, and when the week resets, as the running scheduler counts them.

Options:
  --channel ID   Only this channel
  --url URL      The scheduler (default: $BANDITORE_URL or http://127.0.0.1:8787)
  --json         One JSON object per channel and line
The API token comes from $BANDITORE_API_TOKEN.`;

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
	const client = schedulerClient(values.url);
	const ids = values.channel ? [values.channel] : (await client.channels()).map((c) => c.id);
	for (const id of ids) {
		const quota = await client.quota(id);
		process.stdout.write(values.json ? `${JSON.stringify(quota)}\n` : `${line(quota)}\n`);
	}
	return 0;
}

function line(q: SchedulerQuota): string {
	const reset = q.nextReset ? new Date(q.nextReset).toLocaleString('sv-SE', { timeZone: 'Europe/Rome' }).slice(0, 16) : 'rolling';
	const state = q.paused ? ', PAUSED' : '';
	return `${q.channel}: ${q.used} / ${q.limit} used, ${q.inFlight} in flight, ${q.remaining} left, ${q.emergencies} emergencies; resets ${reset} Europe/Rome${state}`;
}
