import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { BanditoreError } from '../../core/errors';
import { missingNewsFields, type NewsItem } from '../../core/item';
import { DateTime } from '../../core/vendor';
import type { RulesSource } from '../shared/rules.source';
import { rulesObjectFromParameters, type PolicyParameters } from './rules.params';

export function rulesSourceFor(context: IExecuteFunctions, itemIndex: number): RulesSource {
	const kind = context.getNodeParameter('rulesSource', itemIndex) as RulesSource['kind'];
	if (kind === 'scheduler') return { kind, channel: String(context.getNodeParameter('channel', itemIndex, '')) };
	if (kind === 'file') return { kind, path: String(context.getNodeParameter('rulesFile', itemIndex, '')) };
	if (kind === 'yaml') return { kind, text: String(context.getNodeParameter('rulesYaml', itemIndex, '')) };
	const names = ['comune', 'blockedWords', 'electionPeriods', 'persons', 'template', 'footer'] as const;
	const parameters: IDataObject = {};
	for (const name of names) parameters[name] = context.getNodeParameter(name, itemIndex, undefined) as IDataObject[string];
	return { kind: 'parameters', data: rulesObjectFromParameters(parameters as PolicyParameters) };
}

/**
 * The item as Banditore Feed outputs it. evaluate() copes with odd fields, but something without a
 * title or link is not news (often an error item of a previous node) and must not be judged.
 */
export function newsItemOf(json: IDataObject): NewsItem {
	const missing = missingNewsFields(json);
	if (missing.length) {
		throw new BanditoreError(
			'not_news_item',
			`The item is not a Banditore news item: it has no ${missing.join(' and no ')}`,
			'Connect the output of Banditore Feed, or map the fields to title, summary, link, publishedAt, categories and source.',
		);
	}
	return json as unknown as NewsItem;
}

/**
 * Now, or Evaluate At read in the comune's zone (Europe/Rome) when it has no offset of its own, as
 * the CLI and the rules' election periods read it: n8n's default zone is America/New_York.
 */
export function evaluationTime(context: IExecuteFunctions, itemIndex: number, now: Date): Date {
	const value = (context.getNodeParameter('options.evaluateAt', itemIndex, '') as unknown) ?? '';
	if (value === '') return now;
	let at: Date | null = null;
	if (value instanceof Date) at = value;
	else if (DateTime.isDateTime(value)) at = value.toJSDate();
	else if (typeof value === 'string') at = DateTime.fromISO(value.trim(), { zone: 'Europe/Rome' }).toJSDate();
	if (!at || Number.isNaN(at.getTime())) {
		throw new BanditoreError('bad_time', `Evaluate At "${String(value)}" is not a date and time`, 'Pick a date, or write it as 2026-05-25T10:00.');
	}
	return at;
}
