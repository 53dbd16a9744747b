import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';
import { BanditoreError } from '../../core/errors';

const HTTP_CODES = new Set(['http_status', 'unreachable', 'timeout', 'too_many_redirects', 'too_big', 'bad_encoding']);
// What Meta's Graph API answered (core/social); a bad id or a missing token is the node's configuration.
const GRAPH_ANSWERS = /^meta\.(token|permission|rate_limit|not_found|unavailable|error|bad_answer)$/;

/** Our errors carry a message and what to do; n8n shows them as the error and its description. */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof BanditoreError) {
		if (HTTP_CODES.has(error.code) || GRAPH_ANSWERS.test(error.code)) {
			return new NodeApiError(node, { code: error.code, message: error.message } as JsonObject, {
				message: error.message,
				description: error.hint,
				itemIndex,
			});
		}
		return new NodeOperationError(node, error.message, { description: error.hint, itemIndex });
	}
	return new NodeOperationError(node, error as Error, { itemIndex });
}

/** The item a failed source becomes when the node continues on fail. */
export function errorJson(error: unknown, source: string): JsonObject {
	if (error instanceof BanditoreError) {
		return { error: error.message, hint: error.hint ?? null, code: error.code, source };
	}
	return { error: error instanceof Error ? error.message : String(error), code: 'unexpected', source };
}
