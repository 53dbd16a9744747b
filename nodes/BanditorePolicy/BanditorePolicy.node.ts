import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { evaluate, type Rules, type Verdict } from '../../core/rules';
import { getChannels } from '../BanditoreScheduler/methods/loadOptions';
import { toNodeError } from '../shared/errors';
import { RulesCache, stopEverything } from '../shared/rules.source';
import { evaluationTime, newsItemOf, rulesSourceFor } from './inputs';
import { rulesProperties } from './rules.description';

/** Output index of each verdict: Accepted, Rejected, Needs Approval. */
const OUTPUT: Record<Verdict, number> = { accept: 0, reject: 1, hold: 2 };

export class BanditorePolicy implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Banditore Policy',
		name: 'banditorePolicy',
		icon: { light: 'file:../../icons/banditore.svg', dark: 'file:../../icons/banditore.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ {"scheduler": "Channel Rules: " + $parameter["channel"], "file": "Preview: " + $parameter["rulesFile"], "yaml": "Preview: Rules YAML", "parameters": "Preview: Node Parameters"}[$parameter["rulesSource"]] }}',
		description: "Keep the comune's policy: accept, reject or hold each news item, with the reasons",
		defaults: { name: 'Banditore Policy' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Accepted', 'Rejected', 'Needs Approval'],
		// Only for the channel's rules; the standalone sources need no scheduler.
		credentials: [{ name: 'banditoreSchedulerApi', required: true, displayOptions: { show: { rulesSource: ['scheduler'] } } }],
		properties: [
			...rulesProperties,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Add Decision to Item',
						name: 'addDecision',
						type: 'boolean',
						default: true,
						description: 'Whether to add the decision (verdict, Italian reasons, category, WhatsApp text) to each item as "decision"',
					},
					{
						displayName: 'Evaluate At',
						name: 'evaluateAt',
						type: 'dateTime',
						default: '',
						description: 'Judge the items as if it were this time, in Rome time (election periods, expiry), to test the rules; empty means now',
					},
				],
			},
		],
	};

	methods = { loadOptions: { getChannels } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const input = this.getInputData();
		const outputs: INodeExecutionData[][] = [[], [], []];
		const cache = new RulesCache(this.getNode(), this);
		const now = new Date();
		for (let itemIndex = 0; itemIndex < input.length; itemIndex++) {
			const { json, binary } = input[itemIndex];
			let rules: Rules;
			try {
				rules = await cache.get(rulesSourceFor(this, itemIndex), itemIndex);
			} catch (error) {
				// Rules that cannot be had, for whatever reason, stop every item, not just this one.
				stopEverything(this, error);
			}
			try {
				const decision = evaluate(newsItemOf(json), rules, { now: evaluationTime(this, itemIndex, now) });
				const addDecision = this.getNodeParameter('options.addDecision', itemIndex, true) as boolean;
				outputs[OUTPUT[decision.verdict]].push({
					json: addDecision ? { ...json, decision: decision as unknown as IDataObject } : json,
					...(binary ? { binary } : {}),
					pairedItem: { item: itemIndex },
				});
			} catch (error) {
				if (this.continueOnFail()) {
					// Not judged is not accepted: the item goes to Rejected, with what went wrong.
					const nodeError = toNodeError(this.getNode(), error, itemIndex);
					const before = typeof json.error === 'string' ? ` (its error: ${json.error})` : '';
					const hint = nodeError.description ?? null;
					outputs[OUTPUT.reject].push({
						json: { ...json, error: `${nodeError.message}${before}`, hint },
						...(binary ? { binary } : {}),
						pairedItem: { item: itemIndex },
					});
					continue;
				}
				throw toNodeError(this.getNode(), error, itemIndex);
			}
		}
		return outputs;
	}
}
