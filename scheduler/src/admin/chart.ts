// The last weeks as an inline SVG bar chart (drawn on the server, no script), with a table of the
// same numbers as its text alternative.
import { t } from '../../../core/messages';
import { quotaStatus } from '../ledger';
import type { Channel } from '../channels';
import type { Context } from '../context';
import { html, type Html } from './html';
import { day } from './time';

export interface WeekBar {
	start: string;
	counted: number;
	emergencies: number;
}

const WEEK_MS = 7 * 24 * 3600_000;

/** Oldest first; the last one is the current week. */
export async function lastWeeks(ctx: Context, channel: Channel, weeks: number): Promise<WeekBar[]> {
	const now = ctx.clock().getTime();
	const out: WeekBar[] = [];
	for (let k = weeks - 1; k >= 0; k--) {
		const q = await quotaStatus(ctx.store, channel.id, channel.rules.quota, new Date(now - k * WEEK_MS));
		out.push({ start: q.windowStart, counted: q.used + q.inFlight, emergencies: q.emergencies });
	}
	return out;
}

export function weeksChart(bars: WeekBar[], limit: number, zone: string): Html {
	const width = 640;
	const height = 240;
	const top = 20;
	const bottom = 40;
	const left = 36;
	const plot = height - top - bottom;
	const max = Math.max(limit, 1, ...bars.map((b) => b.counted + b.emergencies));
	const y = (n: number): number => top + plot - (n / max) * plot;
	const step = (width - left) / bars.length;
	const barWidth = Math.min(48, step * 0.6);
	const title = t('admin.chart.title', { weeks: bars.length });
	const rects = bars.map((b, i) => {
		const x = left + i * step + (step - barWidth) / 2;
		const label = day(b.start, zone).slice(0, 5);
		return html`<g><rect class="bar-counted" x="${x.toFixed(1)}" y="${y(b.counted).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(top + plot - y(b.counted)).toFixed(1)}"></rect>
		<rect class="bar-emergency" x="${x.toFixed(1)}" y="${y(b.counted + b.emergencies).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(b.counted) - y(b.counted + b.emergencies)).toFixed(1)}"></rect>
		<text x="${(x + barWidth / 2).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle">${label}</text>
		<text x="${(x + barWidth / 2).toFixed(1)}" y="${(y(b.counted + b.emergencies) - 4).toFixed(1)}" text-anchor="middle">${b.counted + b.emergencies}</text></g>`;
	});
	const ly = y(limit).toFixed(1);
	return html`<figure class="chart">
	<svg viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">
		<title id="chart-title">${title}</title><desc id="chart-desc">${t('admin.chart.desc', { limit })}</desc>
		<line x1="${left}" x2="${width}" y1="${top + plot}" y2="${top + plot}" stroke="#5c6f82"></line>
		${rects}
		<line class="limit" x1="${left}" x2="${width}" y1="${ly}" y2="${ly}"></line>
		<text x="0" y="${(Number(ly) + 4).toFixed(1)}">${limit}</text>
	</svg>
	<figcaption class="small"><span class="badge bg-primary">${t('admin.chart.counted')}</span> <span class="badge bg-danger">${t('admin.chart.emergencies')}</span> — ${t('admin.chart.limit', { limit })}</figcaption>
	<details class="mt-2"><summary>${t('admin.chart.table')}</summary>
	<table class="table table-sm"><caption class="visually-hidden">${title}</caption>
	<thead><tr><th scope="col">${t('admin.chart.week')}</th><th scope="col">${t('admin.chart.counted')}</th><th scope="col">${t('admin.chart.emergencies')}</th></tr></thead>
	<tbody>${bars.map((b) => html`<tr><th scope="row">${day(b.start, zone)}</th><td>${b.counted}</td><td>${b.emergencies}</td></tr>`)}</tbody></table></details>
	</figure>`;
}
