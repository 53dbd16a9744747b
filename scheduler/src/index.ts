// startScheduler(config): migrate, sync channels and rules, serve the API, run the dispatch loop.
import type { Writable } from 'node:stream';
import type { FastifyServerOptions } from 'fastify';
import { buildApp } from './api/app';
import { bootstrapAdmin } from './admin/bootstrap';
import { ConfigError, syncChannel, watchRules, type Channel } from './channels';
import { useInstalledCalendar } from '../../core/election';
import { useInstalledModel } from '../../core/classifier/active';
import type { BanditoreError } from '../../core/errors';
import type { Config } from './config';
import type { Clock, Context } from './context';
import { Dispatcher } from './dispatch';
import { LedgerCache } from './ledger';
import { createMetrics } from './metrics';
import { openStore, StoreFault, type Store } from './store';
import { Transports } from './webhooks';

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
	const channels = new Map<string, Channel>();
	for (const c of config.channels) channels.set(c.id, await syncChannel(store, c, clock().getTime()));
	await bootstrapAdmin(store, config.admin, clock().getTime());
	const transports = new Transports(store, config.channels, config.dispatch.leaseSeconds, config.apiToken);
	await transports.refresh();
	transports.start();
	const ctx: Context = { store, clock, config, channels, transports, metrics: createMetrics(store), ledger: new LedgerCache(), publicUrl: '' };
	const app = await buildApp(ctx, loggerOptions(config.logLevel, options.logStream));
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
	// Rules saved on the admin page by another process sharing the database.
	const stopRules = watchRules(ctx, 5000, (error) => app.log.error({ err: error }, 'rules refresh failed'));
	app.log.info({ url, database: config.database.kind, channels: [...channels.keys()] }, 'scheduler started');
	let closing: Promise<void> | null = null;
	return {
		url,
		ctx,
		dispatcher,
		close: () =>
			(closing ??= (async () => {
				await dispatcher.stop();
				stopRules();
				transports.stop();
				await app.close();
				if (!options.store) await store.close();
			})()),
	};
}
