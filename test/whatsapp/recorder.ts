// A status webhook endpoint for tests: checks X-Hub-Signature-256, parses with core's helpers, keeps
// the statuses by biz_opaque_callback_data, and answers GET /statuses?broadcast=… for StatusSources.
import { createServer } from 'node:http';
import { parseStatusWebhook, splitCallbackData, verifySignature, type StatusEvent } from '../../core/whatsapp/webhook';
import type { RecordedStatus, StatusSource } from '../../core/whatsapp/broadcast';
import { answer, close, listen, readBody } from './fake-graph';

export interface Recorder {
	url: string;
	rejected: number;
	events: StatusEvent[];
	close(): Promise<void>;
}

export async function startRecorder(appSecret: string): Promise<Recorder> {
	const state = { rejected: 0, events: [] as StatusEvent[] };
	const server = createServer((req, res) => {
		readBody(req).then((raw) => {
			if (req.method === 'GET') {
				const broadcast = new URL(req.url ?? '/', 'http://x').searchParams.get('broadcast');
				const found: Record<string, { messageId: string; status: string }> = {};
				for (const event of state.events) {
					const data = event.callbackData ? splitCallbackData(event.callbackData) : null;
					if (data?.broadcastId === broadcast) found[data.key] = { messageId: event.messageId, status: event.status };
				}
				return answer(res, 200, found);
			}
			if (!verifySignature(raw, req.headers['x-hub-signature-256'], appSecret)) {
				state.rejected++;
				return answer(res, 401, { error: 'bad signature' });
			}
			state.events.push(...parseStatusWebhook(JSON.parse(raw)));
			answer(res, 200, { ok: true });
		}, () => res.destroy());
	});
	const url = await listen(server);
	return Object.assign(state, { url, close: () => close(server) });
}

/** The StatusSource the engine reads: the recorder's statuses of one broadcast. */
export function recorderSource(url: string): StatusSource {
	return {
		async lookup(broadcastId, keys) {
			const response = await fetch(`${url}/statuses?broadcast=${encodeURIComponent(broadcastId)}`);
			const found = (await response.json()) as Record<string, RecordedStatus>;
			return new Map(keys.filter((key) => found[key]).map((key) => [key, found[key]]));
		},
	};
}
