// Subscribers per channel: confirmed and pending counts, the sign-up link and its QR code. Only
// counts: the page never reads a number (they are stored encrypted and stay so).
import type { FastifyInstance } from 'fastify';
import { t } from '../../../../core/messages';
import { visibleChannels } from '../../comuni';
import { signupLink, signupQr, subscriberCounts } from '../../subscribers';
import { escapeHtml, html, safe, type Html } from '../html';
import { AdminError, frame, sendPage, type Pages } from '../request';

const PATH = '/admin/subscribers';
const qrPath = (channel: string, format: 'svg' | 'png') => `${PATH}/${encodeURIComponent(channel)}/qr.${format}`;

/** The QR code as inline SVG, named for screen readers (our own markup from qrcode, not input). */
async function inlineQr(url: string, label: string): Promise<Html> {
	const svg = String(await signupQr(url, 'svg'));
	return safe(svg.replace('<svg ', `<svg class="qr-code" role="img" aria-label="${escapeHtml(label)}" `));
}

export function subscribersPages({ ctx }: Pages) {
	return async (app: FastifyInstance): Promise<void> => {
		app.get('/subscribers', async (request, reply) => {
			const counts = await subscriberCounts(ctx);
			const sections = await Promise.all(
				visibleChannels(ctx, request.adminScope).map(async ({ config: channel }) => {
					const count = counts.find((c) => c.channel === channel.id);
					const link = signupLink(ctx, channel.id);
					if (!count || !link) {
						return html`<section class="subscribers-channel" id="channel-${channel.id}"><h2 class="h4">${channel.name}</h2><p>${t('admin.subscribers.anonymous')}</p></section>`;
					}
					const field = `link-${channel.id}`;
					return html`<section class="subscribers-channel" id="channel-${channel.id}"><h2 class="h4">${channel.name}</h2>
					<div class="row g-4 mb-3">
						<div class="col-12 col-md-6"><div class="card card-bg shadow-sm h-100"><div class="card-body">
							<h3 class="card-title h6">${t('admin.subscribers.confirmed')}</h3><p class="quota-figure mb-0" id="confirmed-${channel.id}">${count.confirmed}</p>
						</div></div></div>
						<div class="col-12 col-md-6"><div class="card card-bg shadow-sm h-100"><div class="card-body">
							<h3 class="card-title h6">${t('admin.subscribers.pending')}</h3><p class="quota-figure mb-1" id="pending-${channel.id}">${count.pending}</p>
							<p class="small mb-0">${t('admin.subscribers.pendingHelp', { keyword: link.keyword })}</p>
						</div></div></div>
					</div>
					<div class="form-group mb-3"><label for="${field}" class="active">${t('admin.subscribers.link')}</label>
						<div class="d-flex flex-wrap gap-2 align-items-center"><input type="text" id="${field}" class="form-control signup-link" readonly value="${link.url}" aria-describedby="${field}-help">
						<button type="button" class="btn btn-outline-primary btn-sm" data-copy="${field}" data-copied="${t('admin.subscribers.copied')}" hidden>${t('admin.subscribers.copy')}</button></div>
						<small class="form-text" id="${field}-help">${t('admin.subscribers.linkHelp', { keyword: link.keyword })}</small>
						<p class="small mb-0" id="${field}-status" role="status"></p></div>
					<h3 class="h6">${t('admin.subscribers.qr')}</h3>
					<div class="d-flex flex-wrap gap-4 align-items-center">${await inlineQr(link.url, t('admin.subscribers.qrLabel', { channel: channel.name }))}
						<ul class="list-unstyled mb-0"><li><a href="${qrPath(channel.id, 'svg')}" download>${t('admin.subscribers.svg')}</a></li><li><a href="${qrPath(channel.id, 'png')}" download>${t('admin.subscribers.png')}</a></li></ul></div>
					</section>`;
				}),
			);
			const body = html`<p class="mb-4">${t('admin.subscribers.intro')}</p>${sections}`;
			// Every channel is on the page: no channel picker.
			return sendPage(reply, { ...frame(ctx, request, PATH), channels: [], title: t('admin.subscribers.title'), body });
		});

		app.get<{ Params: { channel: string; format: string } }>('/subscribers/:channel/qr.:format', async (request, reply) => {
			const { channel, format } = request.params;
			if (format !== 'svg' && format !== 'png') throw new AdminError(404, t('admin.error.notFound'));
			const link = signupLink(ctx, channel);
			if (!link) throw new AdminError(404, ctx.channels.has(channel) ? t('admin.subscribers.noSignup', { channel }) : t('admin.error.unknownChannel', { channel }));
			return reply
				.type(format === 'svg' ? 'image/svg+xml' : 'image/png')
				.header('content-disposition', `attachment; filename="${channel}-iscrizione.${format}"`)
				.send(await signupQr(link.url, format));
		});
	};
}
