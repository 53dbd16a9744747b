// The invariants `npm run soak` checks at the end, over the database's messages and the outbox file:
// none lost, none twice, the weekly limit never exceeded. Pure: rows in, failures and figures out.

export interface SoakRow {
	dedupe_key: string;
	id: string;
	state: string;
	emergency: number;
	counted: number;
	claimed_at: number | null;
}

export interface Verdict {
	failures: string[];
	figures: Record<string, number>;
	/** Counted messages per week, by the week's key. */
	perWeek: Map<string, number>;
}

export function checkSoak(rows: SoakRow[], outbox: string[], acknowledged: Set<string>, limit: number, weekOf: (ms: number) => string): Verdict {
	const failures: string[] = [];
	const keys = new Set(rows.map((r) => r.dedupe_key));
	const lost = [...acknowledged].filter((k) => !keys.has(k));
	if (lost.length) failures.push(`${lost.length} enqueued items missing from the database (${lost.slice(0, 5).join(', ')})`);
	const unasked = rows.filter((r) => !acknowledged.has(r.dedupe_key));
	if (unasked.length) failures.push(`${unasked.length} messages nobody enqueued`);

	const written = new Map<string, number>();
	for (const id of outbox) written.set(id, (written.get(id) ?? 0) + 1);
	const twice = [...written].filter(([, n]) => n > 1);
	if (twice.length) failures.push(`${twice.length} messages delivered more than once (${twice.slice(0, 5).map(([id]) => id).join(', ')})`);
	const byId = new Map(rows.map((r) => [r.id, r]));
	const notSent = [...written.keys()].filter((id) => byId.get(id)?.state !== 'sent');
	if (notSent.length) failures.push(`${notSent.length} messages in the outbox not recorded as sent`);
	const sentUnwritten = rows.filter((r) => r.state === 'sent' && !written.has(r.id));
	if (sentUnwritten.length) failures.push(`${sentUnwritten.length} messages recorded as sent but never delivered`);
	const inFlight = rows.filter((r) => r.state === 'sending');
	if (inFlight.length) failures.push(`${inFlight.length} messages still in flight after the settling time`);

	const perWeek = new Map<string, number>();
	for (const r of rows) {
		if (r.emergency === 1 || r.claimed_at === null || (r.state !== 'sent' && r.counted !== 1)) continue;
		const week = weekOf(r.claimed_at);
		perWeek.set(week, (perWeek.get(week) ?? 0) + 1);
	}
	const over = [...perWeek].filter(([, n]) => n > limit);
	if (over.length) failures.push(`weekly limit of ${limit} exceeded in ${over.map(([w, n]) => `${w} (${n})`).join(', ')}`);

	const figures: Record<string, number> = { enqueued: acknowledged.size, messages: rows.length, delivered: written.size, weeksWithSends: perWeek.size, maxPerWeek: Math.max(0, ...perWeek.values()) };
	for (const r of rows) figures[`state.${r.state}`] = (figures[`state.${r.state}`] ?? 0) + 1;
	figures.emergenciesSent = rows.filter((r) => r.emergency === 1 && r.state === 'sent').length;
	figures.weeksAtLimit = [...perWeek.values()].filter((n) => n === limit).length;
	return { failures, figures, perWeek };
}
