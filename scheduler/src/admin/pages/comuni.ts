// The comuni of the installation (installation administrators only): each with its ISTAT code,
// press office, channels, users and live API tokens; links to its users and tokens.
import type { FastifyInstance } from 'fastify';
import { t } from '../../../../core/messages';
import { visibleComuni } from '../../comuni';
import { html } from '../html';
import { frame, sendPage, type Pages } from '../request';

export function comuniPages({ ctx }: Pages) {
	return async (app: FastifyInstance): Promise<void> => {
		app.get('/comuni', { config: { adminInstallation: true } }, async (request, reply) => {
			const comuni = visibleComuni(ctx, request.adminScope);
			const members = await ctx.store.all<{ comune: string; n: number }>('SELECT comune, count(*) AS n FROM admin_memberships GROUP BY comune');
			const tokens = await ctx.store.all<{ comune: string; n: number }>('SELECT comune, count(*) AS n FROM api_tokens WHERE revoked_at IS NULL GROUP BY comune');
			const count = (rows: Array<{ comune: string; n: number }>, id: string): number => Number(rows.find((r) => r.comune === id)?.n ?? 0);
			const body = html`<p>${t('admin.comuni.intro')}</p>
			<div class="table-responsive"><table class="table" id="comuni"><thead><tr><th scope="col">${t('admin.comuni.name')}</th><th scope="col">${t('admin.comuni.istat')}</th><th scope="col">${t('admin.comuni.contacts')}</th><th scope="col">${t('admin.comuni.channels')}</th><th scope="col">${t('admin.comuni.users')}</th><th scope="col">${t('admin.comuni.tokens')}</th></tr></thead>
			<tbody>${comuni.map((c) => {
				const q = `?comune=${encodeURIComponent(c.id)}`;
				return html`<tr data-comune="${c.id}"><th scope="row">${c.name} <span class="small">(${c.id})</span></th><td>${c.istat ?? '—'}</td><td>${c.email ?? '—'}${c.phone ? html`<br>${c.phone}` : ''}</td>
				<td>${c.channels.length ? c.channels.map((id, i) => html`${i ? ', ' : ''}<a href="/admin?channel=${encodeURIComponent(id)}">${ctx.channels.get(id)?.name ?? id}</a>`) : '—'}</td>
				<td><a href="/admin/users${q}">${t('admin.comuni.usersCount', { count: count(members, c.id) })}</a></td>
				<td><a href="/admin/tokens${q}">${t('admin.comuni.tokensCount', { count: count(tokens, c.id) })}</a></td></tr>`;
			})}</tbody></table></div>`;
			return sendPage(reply, { ...frame(ctx, request, '/admin/comuni'), channels: [], title: t('admin.comuni.title'), body });
		});
	};
}
