// This week at a glance: used / limit and emergencies, places left and when the week resets, when the
// next message can go out and why, what waits, pause and resume.
import type { FastifyInstance } from 'fastify';
import { t } from '../../../../core/messages';
import type { Channel } from '../../channels';
import { forecastChannel, forecastNew } from '../../forecast';
import { quotaStatus } from '../../ledger';
import type { WaitView } from '../../waiting';
import { setPaused } from '../../queue';
import { lastWeeks, weeksChart } from '../chart';
import { electionView, type ElectionView, type PeriodView } from '../election';
import { html, type Html } from '../html';
import { actorOf, formOf, frame, pickChannel, sendPage, sessionOf, withChannel, type Pages } from '../request';
import { when } from '../time';
import { rulesUrl } from './rules';

const WEEKS = 8;

const source = (period: PeriodView): Html =>
	period.source
		? html`<p class="small mb-1 font-sans-serif election-source">${t('admin.election.source')} <a href="${period.source.url}" rel="noopener noreferrer">${period.source.label}</a></p>`
		: period.origin === 'local'
			? html`<p class="small mb-1 font-sans-serif">${t('admin.election.local')}</p>`
			: html``;

/**
 * The election callout (issue #12): the period in force and what the rules do meanwhile, else the
 * next one; then the calendar votes that may bind the comune, to confirm in the rules.
 */
function electionCallout(view: ElectionView | null, channel: Channel, admin: boolean): Html {
	if (!view) return html``;
	const e = view.effects;
	const list = (labels: string[]): string => labels.join(', ');
	const current = view.current.length
		? html`<div class="callout warning election-current" id="election-current"><div class="callout-inner">
		<div class="callout-title"><span class="text">${t('admin.election.label')}</span></div>
		${view.current.map((p) => html`<p class="h5 mb-1 font-sans-serif">${t('admin.election.current', { name: p.name, end: p.end })}</p>${source(p)}`)}
		<p class="mt-3 mb-1 font-sans-serif">${t('admin.election.effects')}</p>
		<ul class="mb-0">
			<li>${e.pass.length ? t('admin.election.pass', { labels: list(e.pass) }) : t('admin.election.passNone')}</li>
			${e.hold.length ? html`<li>${t('admin.election.hold', { labels: list(e.hold) })}</li>` : ''}
			${e.holdUncategorised ? html`<li>${t('admin.election.holdUncategorised')}</li>` : ''}
			${e.reject.length ? html`<li>${t('admin.election.reject', { labels: list(e.reject) })}</li>` : ''}
			${e.persons ? html`<li>${t('admin.election.persons')}</li>` : ''}
			${e.dropImages ? html`<li>${t('admin.election.images')}</li>` : ''}
		</ul></div></div>`
		: html``;
	const next = view.next
		? html`<div class="alert alert-info election-next" id="election-next" role="note">
		<p class="mb-1">${t('admin.election.next', { name: view.next.name, start: view.next.start, end: view.next.end })}</p>
		<p class="small mb-0">${t('admin.election.nextWhat')}</p>${source(view.next)}</div>`
		: html``;
	const rules = rulesUrl(channel, 'election');
	const possible = view.possible.length
		? html`<div class="alert alert-warning election-possible" id="election-possible" role="note">${view.possible.map((p, i) => {
				const names = { comune: view.comune, name: p.name, vote: p.vote ?? '' };
				const question = admin
					? html`${t(p.vote ? 'admin.election.possible' : 'admin.election.possibleNoId', names)} (<a href="${rules}">${t('admin.election.possibleRules')}</a>).`
					: html`${t(p.vote ? 'admin.election.possibleAsk' : 'admin.election.possibleAskNoId', names)}`;
				return html`<div${i ? html` class="mt-3"` : ''}><p class="fw-semibold mb-1">${question}</p>
				<p class="small mb-1">${t(p.running ? 'admin.election.possibleRunning' : 'admin.election.possibleLater', { start: p.start, end: p.end })}</p>
				${admin && p.vote ? html`<p class="small mb-1">${t('admin.election.possibleFile', { vote: p.vote })}</p>` : ''}${source(p)}</div>`;
			})}<p class="small mt-3 mb-0">${t('admin.election.possibleWhy')}</p></div>`
		: html``;
	return html`<section class="election mb-4" id="election" aria-label="${t('admin.election.label')}">${current}${next}${possible}</section>`;
}

/** The first message in line (`queued`) or, with none, a new one: when it can go out and why. */
function nextOut(wait: WaitView, queued: boolean, zone: string): Html {
	const figure = wait.code === 'ready' ? t('admin.dashboard.nextOutNow') : wait.at ? when(wait.at, zone) : t('admin.dashboard.nextOutOpen');
	const why = queued
		? t('admin.dashboard.nextOutQueued', { reason: wait.reason })
		: wait.code === 'ready'
			? t('admin.dashboard.nextOutNewNow')
			: t('admin.dashboard.nextOutNew', { reason: wait.reason });
	return html`<h3 class="card-title h6">${t('admin.dashboard.nextOut')}</h3>
		<p class="h4 mb-1" id="next-out" data-code="${wait.code}" data-at="${wait.at ?? ''}">${figure}</p>
		<p class="small mb-0" id="next-out-reason">${why}</p>`;
}

/** The wait that ends first among the channel's queue; else the first that waits for a person. */
function firstOut(waits: Iterable<WaitView>): WaitView | null {
	let best: WaitView | null = null;
	for (const w of waits) {
		if (!best || (w.at !== null && (best.at === null || Date.parse(w.at) < Date.parse(best.at)))) best = w;
	}
	return best;
}

export function dashboardPages({ ctx }: Pages) {
	return async (app: FastifyInstance): Promise<void> => {
		app.get<{ Querystring: { channel?: string } }>('/', async (request, reply) => {
			const session = sessionOf(request);
			const channel = pickChannel(ctx, request, request.query.channel);
			const zone = channel.rules.timezone;
			const quota = await quotaStatus(ctx.store, channel.id, channel.rules.quota, ctx.clock());
			const row = await ctx.store.get<{ paused: number; pause_reason: string | null }>('SELECT paused, pause_reason FROM channels WHERE id = ?', [channel.id]);
			const counts = await ctx.store.all<{ state: string; n: number }>(
				"SELECT state, count(*) AS n FROM messages WHERE channel = ? AND state IN ('queued', 'scheduled', 'deferred', 'held') GROUP BY state",
				[channel.id],
			);
			const held = Number(counts.find((c) => c.state === 'held')?.n ?? 0);
			const waiting = counts.filter((c) => c.state !== 'held').reduce((sum, c) => sum + Number(c.n), 0);
			const paused = Number(row?.paused ?? 1) === 1;
			const weeks = await lastWeeks(ctx, channel, WEEKS);
			const now = ctx.clock();
			const first = firstOut((await forecastChannel(ctx.store, channel, now)).values());
			const next = first ?? (await forecastNew(ctx.store, channel, now));
			const rolling = quota.week === 'rolling';
			const window =
				quota.week === 'iso'
					? t('admin.dashboard.window', { start: when(quota.windowStart, zone), end: when(quota.windowEnd, zone) })
					: t('admin.dashboard.rolling', { start: when(quota.windowStart, zone) });
			const admin = session.user.role === 'administrator';
			const election = electionCallout(electionView(channel.rules, ctx.clock()), channel, admin);
			const pauseForm = !admin
				? html``
				: paused
					? html`<form method="post" action="/admin/resume"><input type="hidden" name="_csrf" value="${session.csrf}"><input type="hidden" name="channel" value="${channel.id}">
					<button type="submit" class="btn btn-success">${t('admin.dashboard.resume')}</button></form>`
					: html`<form method="post" action="/admin/pause" class="d-flex flex-wrap gap-2 align-items-end"><input type="hidden" name="_csrf" value="${session.csrf}"><input type="hidden" name="channel" value="${channel.id}">
					<div class="form-group mb-0 flex-grow-1"><label for="pause-reason" class="active">${t('admin.dashboard.pauseReason')}</label><input type="text" id="pause-reason" name="reason" class="form-control" maxlength="200"></div>
					<button type="submit" class="btn btn-outline-danger">${t('admin.dashboard.pause')}</button></form>`;
			const body = html`<h2 class="h4">${channel.name}</h2>
			${election}
			<div class="row g-4 mb-4">
				<div class="col-12 col-md-6 col-lg-3"><div class="card card-bg shadow-sm h-100"><div class="card-body">
					<h3 class="card-title h6">${t('admin.dashboard.used')}</h3>
					<p class="quota-figure mb-1" id="quota-used" aria-label="${t('admin.dashboard.usedOfLong', { used: quota.used + quota.inFlight, limit: quota.limit })}">${t('admin.dashboard.usedOf', { used: quota.used + quota.inFlight, limit: quota.limit })}</p>
					<p class="small mb-0">${window}</p>
					${quota.inFlight ? html`<p class="small mb-0">${t('admin.dashboard.inFlight', { count: quota.inFlight })}</p>` : ''}
					<p class="small mb-0">${t('admin.dashboard.emergencies')}: <strong id="quota-emergencies">${quota.emergencies}</strong></p>
				</div></div></div>
				<div class="col-12 col-md-6 col-lg-3"><div class="card card-bg shadow-sm h-100"><div class="card-body">
					<h3 class="card-title h6">${t(rolling ? 'admin.dashboard.remainingRolling' : 'admin.dashboard.remainingWeek')}</h3>
					<p class="quota-figure mb-1" id="quota-remaining">${quota.remaining}</p>
					<p class="small mb-0">${t(rolling ? 'admin.dashboard.resetsRolling' : 'admin.dashboard.resetsAt')} <strong id="next-reset">${when(quota.nextReset, zone)}</strong></p>
				</div></div></div>
				<div class="col-12 col-md-6 col-lg-3"><div class="card card-bg shadow-sm h-100"><div class="card-body">${nextOut(next, first !== null, zone)}</div></div></div>
				<div class="col-12 col-md-6 col-lg-3"><div class="card card-bg shadow-sm h-100"><div class="card-body">
					<h3 class="card-title h6">${t('admin.dashboard.state')}</h3>
					<p class="h4 mb-1" id="channel-state">${paused ? (row?.pause_reason ? t('admin.dashboard.pausedWhy', { reason: row.pause_reason }) : t('admin.dashboard.paused')) : t('admin.dashboard.active')}</p>
					<p class="small mb-0"><a href="${withChannel('/admin/queue', channel)}">${t('admin.dashboard.waiting')}: ${waiting} · ${t('admin.dashboard.held')}: ${held}</a></p>
					<p class="small mb-0">${t('admin.dashboard.rulesVersion', { version: channel.rulesVersion })}</p>
				</div></div></div>
			</div>
			<div class="mb-4">${pauseForm}</div>
			<h2 class="h4">${t('admin.chart.title', { weeks: WEEKS })}</h2>
			${weeksChart(weeks, quota.limit, zone)}`;
			return sendPage(reply, { ...frame(ctx, request, '/admin', channel), title: t('admin.dashboard.title'), body });
		});

		for (const action of ['pause', 'resume'] as const) {
			app.post(`/${action}`, { config: { adminRole: 'administrator' } }, async (request, reply) => {
				const session = sessionOf(request);
				const form = formOf(request);
				const channel = pickChannel(ctx, request, form.channel);
				const reason = form.reason?.trim() || undefined;
				await setPaused(ctx, channel.id, action === 'pause', actorOf(session), reason);
				return reply.redirect(withChannel('/admin', channel, action === 'pause' ? 'paused' : 'resumed'), 303);
			});
		}
	};
}
