// Bootstrap Italia's stylesheet, fonts and icons under /admin/assets/. A short whitelist served from
// the installed package (@fastify/static cannot be loaded under jest: one of its dependencies,
// content-disposition 3, is ESM only).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { t } from '../../../core/messages';
import { AdminError } from './request';

const ROOT = join(dirname(require.resolve('bootstrap-italia/package.json')), 'dist');
const SERVED = /^(css\/bootstrap-italia\.min\.css|fonts\/[\w-]+\/[\w.-]+\.(woff2?|ttf)|svg\/sprites\.svg)$/;
const TYPES: Record<string, string> = { css: 'text/css; charset=utf-8', woff2: 'font/woff2', woff: 'font/woff', ttf: 'font/ttf', svg: 'image/svg+xml' };

export async function assetRoutes(app: FastifyInstance): Promise<void> {
	app.get<{ Params: { '*': string } }>('/assets/*', { config: { adminPublic: true } }, async (request, reply) => {
		const path = request.params['*'];
		// The whitelist has no "..": nothing outside the package's dist/ can be named.
		if (!SERVED.test(path) || path.includes('..')) throw new AdminError(404, t('admin.error.notFound'));
		const file = join(ROOT, path);
		const info = await stat(file).catch(() => null);
		if (!info?.isFile()) throw new AdminError(404, t('admin.error.notFound'));
		return reply
			.type(TYPES[path.slice(path.lastIndexOf('.') + 1)])
			.header('content-length', info.size)
			.header('cache-control', 'public, max-age=86400')
			.send(createReadStream(file));
	});
}
