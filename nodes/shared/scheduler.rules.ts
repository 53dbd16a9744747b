// The channel's rules as the scheduler holds them: the only truth. Banditore Policy reads them with
// GET /v1/channels/{channel}/rules and compiles them with core's loadRules, like any other source.
// Compiled rules are kept between executions, keyed by scheduler and channel with the version's ETag,
// and revalidated with If-None-Match on every execution: a change saved on the admin page decides the
// next execution, and an unchanged version costs a 304 and no parse.
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';
import { formatProblems, loadRules, type Rules } from '../../core/rules';
import { schedulerClient } from './scheduler.client';

interface Remembered {
	etag: string;
	version: number;
	rules: Rules;
}

/** Across executions, in this n8n process: scheduler URL + channel → the last valid version read. */
const remembered = new Map<string, Remembered>();

/** Forget every remembered version (tests). */
export function forgetSchedulerRules(): void {
	remembered.clear();
}

export interface ChannelRules {
	channel: string;
	version: number;
	rules: Rules;
}

/** The current rules of a channel, from the scheduler of the node's Banditore Scheduler API credential. */
export async function schedulerRules(context: IExecuteFunctions, channel: string, itemIndex = 0): Promise<ChannelRules> {
	const node = context.getNode();
	const id = channel.trim();
	if (!id) {
		throw new NodeOperationError(node, 'No channel: nothing passes', {
			description: 'Choose the channel whose rules decide, as configured in the scheduler.',
			itemIndex,
		});
	}
	const client = await schedulerClient(context, itemIndex);
	const key = `${client.baseUrl}\n${id}`;
	const known = remembered.get(key);
	const response = await client.channelRules(id, known?.etag);
	if (response.notModified && known) return { channel: id, version: known.version, rules: known.rules };
	// Whatever happens next, a version the scheduler no longer confirms is not used again.
	remembered.delete(key);
	const body = response.notModified ? {} : response.rules;
	if (response.status !== 200 || typeof body.source !== 'string' || typeof body.version !== 'number') {
		throw new NodeOperationError(node, `The scheduler did not send the rules of channel "${id}": nothing passes`, {
			description: `It answered HTTP ${response.status} without a rules version. Check that the scheduler is a Banditore scheduler of this release.`,
			itemIndex,
		});
	}
	const result = loadRules(body.source);
	if (!result.ok) {
		const count = result.problems.length;
		throw new NodeOperationError(
			node,
			`The rules of channel "${id}" in the scheduler (version ${body.version}) are invalid (${count} problem${count === 1 ? '' : 's'}): nothing passes until they are fixed`,
			{ description: formatProblems(result.problems, `${id} v${body.version}`).join('\n'), itemIndex },
		);
	}
	const etag = response.etag ?? `"${body.version}-${String(body.digest ?? '')}"`;
	remembered.set(key, { etag, version: body.version, rules: result.rules });
	return { channel: id, version: body.version, rules: result.rules };
}
