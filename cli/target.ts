import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BanditoreError } from '../core/errors';
import { DEFAULT_MAX_BYTES, fetchUrl, tooBig, type Fetcher } from '../core/http/fetch';
import { UsageError } from './usage';

/**
 * A command-line source: a web address as it is, or a local file as a file: URL. With --base-url a
 * file is read as if it had been served from that address (relative links resolve there).
 */
export async function resolveTarget(input: string, baseUrl?: string): Promise<{ url: string; fetch?: Fetcher }> {
	if (baseUrl !== undefined && !/^https?:\/\/[^/\s]/i.test(baseUrl)) {
		throw new UsageError(`--base-url must be a web address (https://…), not "${baseUrl}".`);
	}
	if (/^https?:\/\//i.test(input)) return { url: input };
	const path = resolve(input);
	const info = await stat(path).catch(() => null);
	if (!info?.isFile()) {
		throw new BanditoreError('not_found', `"${input}" is neither a web address nor a file.`, 'Write the full address (https://…) or the path of a saved feed or page.');
	}
	const fileUrl = pathToFileURL(path).href;
	if (!baseUrl) return { url: fileUrl };
	return {
		url: baseUrl,
		// The file stands for baseUrl; pages it links to are read from the web.
		fetch: async (url, options) =>
			url === baseUrl
				? { status: 200, url, contentType: null, body: await readCapped(path, fileUrl, options?.maxBytes), notModified: false, validators: {} }
				: fetchUrl(url, options),
	};
}

/** The size is checked before reading: --max-size holds for files as for downloads. */
async function readCapped(path: string, url: string, maxBytes = DEFAULT_MAX_BYTES): Promise<Buffer> {
	const { size } = await stat(path);
	if (size > maxBytes) throw tooBig(url, maxBytes);
	return readFile(path);
}

/** Reads web addresses over HTTP and file: URLs from the disk (a saved feed or page). */
export const fetchWithFiles: Fetcher = async (url, options) => {
	if (!url.startsWith('file:')) return fetchUrl(url, options);
	try {
		const body = await readCapped(fileURLToPath(url), url, options?.maxBytes);
		return { status: 200, url, contentType: null, body, notModified: false, validators: {} };
	} catch (error) {
		if (error instanceof BanditoreError) throw error;
		// Also where a saved home page's menu leads (file:///novita): its links need the site's address.
		throw new BanditoreError(
			'not_found',
			`${new URL(url).pathname} cannot be read.`,
			'Check the file name; to follow the links of a saved page, give its address with --base-url.',
		);
	}
};
