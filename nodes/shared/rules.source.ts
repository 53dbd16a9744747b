import { basename, isAbsolute } from 'node:path';
import { NodeOperationError, type IExecuteFunctions, type INode } from 'n8n-workflow';
import { BanditoreError } from '../../core/errors';
import { formatProblems, loadRules, readRulesFile, rulesFromObject, type Rules, type RulesResult } from '../../core/rules';
import { schedulerRules } from './scheduler.rules';

/**
 * Where a node's rules come from. The scheduler's rules of the channel are the truth (it judges every
 * message again with them); a file, pasted YAML or the node's fields are a standalone preview.
 */
export type RulesSource =
	| { kind: 'scheduler'; channel: string }
	| { kind: 'file'; path: string }
	| { kind: 'yaml'; text: string }
	| { kind: 'parameters'; data: unknown };

/**
 * Rules parsed once per execution: items usually share one source, and a source given by an
 * expression still costs one parse per distinct value.
 */
export class RulesCache {
	private readonly compiled = new Map<string, Promise<Rules>>();

	/** `context` reads the scheduler's rules; without it only the standalone sources work. */
	constructor(
		private readonly node: INode,
		private readonly context?: IExecuteFunctions,
	) {}

	get(source: RulesSource, itemIndex = 0): Promise<Rules> {
		const key = JSON.stringify(source);
		let rules = this.compiled.get(key);
		if (!rules) {
			rules = source.kind === 'scheduler' ? this.fromScheduler(source.channel, itemIndex) : compile(this.node, source);
			this.compiled.set(key, rules);
		}
		return rules;
	}

	private async fromScheduler(channel: string, itemIndex: number): Promise<Rules> {
		if (!this.context) throw new NodeOperationError(this.node, 'The channel rules can only be read while the node runs: nothing passes');
		return (await schedulerRules(this.context, channel, itemIndex)).rules;
	}
}

async function compile(node: INode, source: Exclude<RulesSource, { kind: 'scheduler' }>): Promise<Rules> {
	let result: RulesResult;
	let name: string;
	if (source.kind === 'file') {
		const path = source.path.trim();
		name = basename(path);
		result = loadRules(await readRulesText(node, path));
	} else if (source.kind === 'yaml') {
		name = 'Rules YAML';
		result = loadRules(source.text);
	} else {
		name = '';
		result = rulesFromObject(source.data);
	}
	if (result.ok) return result.rules;
	const count = result.problems.length;
	throw new NodeOperationError(node, `The rules${name ? ` in ${name}` : ''} are invalid (${count} problem${count === 1 ? '' : 's'}): nothing passes until they are fixed`, {
		description: formatProblems(result.problems, name).join('\n'),
	});
}

async function readRulesText(node: INode, path: string): Promise<string> {
	if (!path) throw new NodeOperationError(node, 'No rules file: nothing passes', { description: 'Give the absolute path of a YAML rules file on the n8n host.' });
	if (!isAbsolute(path)) {
		throw new NodeOperationError(node, `The rules file path "${path}" is not absolute: nothing passes`, {
			description: `n8n would look for it from ${process.cwd()}; write the full path, starting with /.`,
		});
	}
	try {
		return await readRulesFile(path);
	} catch (error) {
		const { message, hint } = error instanceof BanditoreError ? error : { message: String(error), hint: undefined };
		throw new NodeOperationError(node, `${message.replace(/\.$/, '')}: nothing passes`, {
			description: `${hint ? `${hint} ` : ''}The file is read on the n8n host (inside its container, if n8n runs in Docker).`,
		});
	}
}

/**
 * When a node continues on fail, n8n passes its input through to the first output if it throws:
 * for a policy node that output is Accepted. Empty what would pass through before throwing a
 * rules error, so it stops everything whatever the node's settings. Only then: without continue on
 * fail the input stays, and n8n can retry the execution from this node once the rules are fixed.
 */
export function stopEverything(context: IExecuteFunctions, error: unknown): never {
	if (context.continueOnFail()) {
		const main = context.getExecuteData?.()?.data?.main;
		// Replace, never truncate: the array may be the previous node's output in the run data.
		if (main?.length) for (let i = 0; i < main.length; i++) main[i] = [];
	}
	throw error;
}
