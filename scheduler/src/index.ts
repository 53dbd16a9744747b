// startScheduler(config): migrate, sync channels and rules, serve the API, run the dispatch loop.
import type { Writable } from 'node:stream';
import type { FastifyServerOptions } from 'fastify';
import { buildApp, type RouteEntry } from './api/app';
import { bootstrapAdmin } from './admin/bootstrap';
import { DEFAULT_COMUNE, syncComuni } from './comuni';
import { ConfigError, syncChannel, watchRules, type Channel } from './channels';
import { useInstalledCalendar } from '../../core/election';
import { useInstalledModel } from '../../core/classifier/active';
import type { BanditoreError } from '../../core/errors';
import type { Config } from './config';
import type { Rules } from '../../core/rules';
import type { Clock, Context } from './context';
import { Dispatcher } from './dispatch';
import { LedgerCache } from './ledger';
import { announceRulesFailure, Notifier } from './notify/notifier';
import { createSenders } from './notify/senders';
import { createMetrics } from './metrics';
import { openStore, StoreFault, type Store } from './store';
import { Routes } from './delivery/routes';
import { OutletRecords } from './outlets';

export { loadConfig, ConfigInvalid, type Config, type ChannelConfig } from './config';
export type { Clock } from './context';

export interface StartOptions {
	clock?: Clock;
	/** false: no dispatch loop (tests drive `dispatcher.tick()` themselves). */
	dispatch?: boolean;
	store?: Store;
	/** Where the pino lines go instead of stdout (tests that read the logs). */
	logStream?: Writable;
}

export interface Scheduler {
	url: string;
	ctx: Context;
	dispatcher: Dispatcher;
	/** Tells the office by e-mail and webhook; tests drive `notifier.tick()` when dispatch is off. */
	notifier: Notifier;
	/** Every route served (method and path pattern). */
	routes: readonly RouteEntry[];
	close(): Promise<void>;
}

/** fastify's two lines per request ("incoming request", "request completed"). */
const PER_REQUEST = new Set(['incoming request', 'request completed']);

/**
 * pino through fastify: never the Authorization header, nor anything called token. fastify's
 * per-request lines go out at debug instead of info: at info they cost more than a decision, and
 * every decision is already recorded in the audit log. Errors (request errored, request failed,
 * dispatch failed) keep their level.
 */
export function loggerOptions(level: string, stream?: Writable): FastifyServerOptions['logger'] {
	return {
		level,
		...(stream ? { stream } : {}),
		redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.token', '*.apiToken', 'token', 'apiToken'], censor: '[redacted]' },
		hooks: {
			logMethod(args, method, levelValue) {
				if (levelValue === 30 && typeof args[1] === 'string' && PER_REQUEST.has(args[1])) {
					(this as unknown as { debug: (...a: unknown[]) => void }).debug(...args);
					return;
				}
				method.apply(this, args);
			},
		},
	};
}

export async function startScheduler(config: Config, options: StartOptions = {}): Promise<Scheduler> {
	const clock = options.clock ?? (() => new Date());
	const store = options.store ?? openStore(config.database);
	await store.migrate();
	// Rules compile with the election calendar and the classifier: what is installed is read before any of them.
	if (config.electionCalendar || config.classifierModel) {
		try {
			if (config.electionCalendar) useInstalledCalendar(config.electionCalendar.file, config.electionCalendar.required);
			if (config.classifierModel) useInstalledModel(config.classifierModel);
		} catch (error) {
			throw new ConfigError(`${(error as Error).message} ${(error as BanditoreError).hint ?? ''}`.trim());
		}
	}
	await syncComuni(store, config, clock().getTime());
	const channels = new Map<string, Channel>();
	const compiled = new Map<string, Rules>();
	for (const c of config.channels) {
		try {
			channels.set(c.id, await syncChannel(store, c, clock().getTime(), compiled));
		} catch (error) {
			// The service stops: the office hears it now, before the process ends.
			if (error instanceof ConfigError) await announceRulesFailure({ store, clock, config }, c, error.message);
			if (!options.store) await store.close().catch(() => undefined);
			throw error;
		}
	}
	await bootstrapAdmin(store, config.admin, clock().getTime(), config.comuni?.length ? null : DEFAULT_COMUNE);
	const transports = new Routes(store, config.channels, config.dispatch.leaseSeconds, config.apiToken, new OutletRecords({ store, clock, config }));
	await transports.refresh();
	transports.start();
	const ctx: Context = { store, clock, config, channels, transports, metrics: createMetrics(store), ledger: new LedgerCache(), publicUrl: '' };
	const routes: RouteEntry[] = [];
	const app = await buildApp(ctx, loggerOptions(config.logLevel, options.logStream), routes);
	const address = await app.listen({ host: config.host, port: config.port });
	const url = address.replace('[::1]', 'localhost');
	ctx.publicUrl = (config.publicUrl ?? url).replace(/\/$/, '');
	const dispatcher = new Dispatcher(ctx);
	dispatcher.onError = (error) =>
		error instanceof StoreFault
			? app.log.warn({ err: error.cause, fault: error.kind }, 'database unavailable: the dispatcher tries again at its next pass')
			: app.log.error({ err: error }, 'dispatch failed');
	dispatcher.log = app.log.child({ component: 'dispatch' });
	if (options.dispatch !== false) dispatcher.start();
	const notifier = new Notifier({
		store,
		clock,
		config,
		channels: () => ctx.channels.values(),
		baseUrl: () => ctx.publicUrl,
		senders: createSenders(config.notify),
		onError: (error, what) => app.log.error({ err: error }, `notification failed (${what})`),
	});
	// Runs even with nothing to send through: the cursor keeps up, so setting up SMTP later does not announce months of old events.
	if (options.dispatch !== false) notifier.start(config.notify?.intervalMs ?? 30_000);
	// Rules saved on the admin page by another process sharing the database.
	const stopRules = watchRules(ctx, 5000, (error) => app.log.error({ err: error }, 'rules refresh failed'));
	app.log.info({ url, database: config.database.kind, channels: [...channels.keys()] }, 'scheduler started');
	let closing: Promise<void> | null = null;
	return {
		url,
		ctx,
		dispatcher,
		notifier,
		routes,
		close: () =>
			(closing ??= (async () => {
				await dispatcher.stop();
				await notifier.stop();
				stopRules();
				transports.stop();
				await app.close();
				if (!options.store) await store.close();
			})()),
	};
}
