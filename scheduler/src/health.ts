// Liveness and readiness. /healthz: the process answers. /readyz: it can decide and write now:
// a real write transaction under a channel's lock (the lock every quota decision takes), so a lost
// connection, a full disk or a read-only database shows here, not only in the next decision.
import type { Context } from './context';
import { faultOf, type FaultKind } from './store';

export type Readiness = { ready: true } | { ready: false; fault: FaultKind | 'unknown'; message: string };

export async function readiness(ctx: Context): Promise<Readiness> {
	const channel = ctx.channels.keys().next().value;
	try {
		await ctx.store.tx(async (q) => {
			// Rewrites the row as it is: a write the database must log, that changes nothing.
			if (channel !== undefined) await q.run('UPDATE channels SET updated_at = updated_at WHERE id = ?', [channel]);
		}, channel === undefined ? {} : { lockChannel: channel });
		return { ready: true };
	} catch (error) {
		return { ready: false, fault: faultOf(error) ?? 'unknown', message: (error as Error).message };
	}
}
