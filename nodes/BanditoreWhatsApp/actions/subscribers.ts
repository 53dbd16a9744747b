import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { broadcast, cloudBody, FileSendLog, fitTemplateBody, sendCloud, type BroadcastReport, type CloudMessage, type Recipient } from '../../../core/whatsapp';
import { cloud, dataFolder, schedulerStatuses } from '../transport';
import type { Post } from './message';

interface Options {
	rate?: number;
	sendLogFolder?: string;
	templateBody?: string;
	imageHeader?: boolean;
}

/**
 * One message per subscriber through the Cloud API. The broadcast id (the scheduler's message id, or
 * a digest of the message) names the send log: running the same message again after a crash or a
 * stop continues it, and nobody gets it twice.
 */
export async function sendToSubscribers(context: IExecuteFunctions, itemIndex: number, post: Post, json: IDataObject): Promise<{ json: IDataObject; report: BroadcastReport }> {
	const options = context.getNodeParameter('options', itemIndex, {}) as Options;
	const { recipients, warnings } = await readRecipients(context, itemIndex, (context.getNodeParameter('recipientsFile', itemIndex) as string).trim());
	const message = cloudMessage(context, itemIndex, post, options);
	const broadcastId = typeof json.id === 'string' && json.id ? json.id.replace(/[^\w-]/g, '_') : digest(JSON.stringify(message));
	const folder = (options.sendLogFolder ?? '').trim() || dataFolder('broadcasts');
	const config = await cloud(context);
	const report = await broadcast({
		broadcastId,
		recipients,
		log: new FileSendLog(join(folder, `${broadcastId}.jsonl`)),
		rate: options.rate ?? 80,
		// Only templates carry callback data, so only their statuses can settle a send in doubt: for
		// free text, a lookup would find nothing and resend to someone who may have got it.
		statuses: message.kind === 'template' ? await schedulerStatuses(context) : undefined,
		send: (recipient, callbackData) => sendCloud(config, cloudBody(recipient.to, message, message.kind === 'template' ? callbackData : undefined)),
	});
	const complete = !report.stopped && report.failed === 0 && report.notTried === 0 && report.inDoubt === 0;
	return {
		report,
		json: {
			target: 'subscribers',
			status: report.stopped ? 'stopped' : complete ? 'sent' : 'partial',
			providerMessageId: broadcastId,
			broadcastId,
			text: post.text,
			image: post.image,
			...(message.kind === 'template' ? { template: message.name } : {}),
			report: report as unknown as IDataObject,
			...(warnings.length ? { warnings } : {}),
		},
	};
}

function cloudMessage(context: IExecuteFunctions, itemIndex: number, post: Post, options: Options): CloudMessage {
	if ((context.getNodeParameter('messageType', itemIndex) as string) === 'free') {
		return post.image ? { kind: 'image', link: post.image, caption: post.text } : { kind: 'text', text: post.text };
	}
	const given = ((context.getNodeParameter('bodyParameters', itemIndex, {}) as { parameter?: Array<{ value: string }> }).parameter ?? []).map((p) => p.value);
	return {
		kind: 'template',
		name: (context.getNodeParameter('templateName', itemIndex) as string).trim(),
		language: (context.getNodeParameter('templateLanguage', itemIndex, 'it') as string).trim() || 'it',
		headerImage: options.imageHeader ? post.image : null,
		body: fitTemplateBody(given.length ? given : [post.text], options.templateBody ?? ''),
	};
}

async function readRecipients(context: IExecuteFunctions, itemIndex: number, path: string): Promise<{ recipients: Recipient[]; warnings: string[] }> {
	if (!isAbsolute(path)) {
		throw new NodeOperationError(context.getNode(), `The recipients file "${path}" is not an absolute path`, { description: 'Write the full path, starting with /.', itemIndex });
	}
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (error) {
		throw new NodeOperationError(context.getNode(), `The recipients file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
			description: 'The file is read on the n8n host (inside its container, if n8n runs in Docker).',
			itemIndex,
		});
	}
	const { recipients, refused } = parseRecipients(text);
	// Line numbers only: the refused text may be a number, and numbers never leave the engine.
	const lines = refused.length === 1 ? `line ${refused[0]}` : `lines ${refused.slice(0, 20).join(', ')}${refused.length > 20 ? ` and ${refused.length - 20} more` : ''}`;
	if (recipients.length === 0) {
		const why = refused.length ? `${refused.length === 1 ? '1 line is' : `${refused.length} lines are`} not a phone number: ${lines}. ` : '';
		throw new NodeOperationError(context.getNode(), `The recipients file ${path} has no valid phone number`, {
			description: `${why}Write one subscriber a line, "key,number" or just the number, with the country code (39 for Italy).`,
			itemIndex,
		});
	}
	const warnings = refused.length ? [`Skipped ${refused.length === 1 ? '1 line' : `${refused.length} lines`} of the recipients file that ${refused.length === 1 ? 'is' : 'are'} not a phone number: ${lines}.`] : [];
	return { recipients, warnings };
}

/** Blank lines and # comments are not recipients; a first line without digits is a header. */
function parseRecipients(text: string): { recipients: Recipient[]; refused: number[] } {
	const recipients: Recipient[] = [];
	const refused: number[] = [];
	text.split(/\r?\n/).forEach((line, index) => {
		const cells = line.split(/[,;\t]/).map((cell) => cell.trim());
		if (!line.trim() || cells[0].startsWith('#')) return;
		if (index === 0 && !/\d/.test(line)) return;
		const number = (cells.length > 1 ? cells[1] : cells[0]).replace(/[\s+().-]/g, '');
		if (!/^\d{6,15}$/.test(number)) {
			refused.push(index + 1);
			return;
		}
		// Without a key of its own, a subscriber is known by a digest of the number, never the number.
		recipients.push({ key: cells.length > 1 && cells[0] ? cells[0] : digest(number), to: number });
	});
	return { recipients, refused };
}

function digest(value: string): string {
	return createHash('sha256').update(value).digest('hex').slice(0, 16);
}
