// The delivery kinds, one entry each: the config file's `delivery` is read with their schemas and a
// channel's transports are made by them. Adding a kind is its module and one line here.
import { z } from '../../../core/vendor';
import { ConfigInvalid } from '../errors';
import { evolutionKind, wahaKind } from './gateway';
import type { ResolveContext, TransportOptions } from './kind';
import { n8nFlowKind } from './n8n-flow';
import { outboxKind } from './outbox';
import { subscribersKind } from './subscribers';
import { telegramKind } from './telegram';
import type { Transport } from './transport';

const KINDS = [outboxKind, n8nFlowKind, subscribersKind, wahaKind, evolutionKind, telegramKind] as const;

type Kind = (typeof KINDS)[number];
/** One outlet's settings, ready to use (secrets read, paths absolute). */
export type DeliverySettings = Parameters<Kind['transport']>[0];
export type DeliveryKindName = DeliverySettings['kind'];

const byName = new Map<string, Kind>(KINDS.map((kind) => [kind.kind, kind]));

function kindOf(name: string): Kind {
	const kind = byName.get(name);
	if (!kind) throw new ConfigInvalid(`unknown delivery kind "${name}"`);
	return kind;
}

const schemas = KINDS.map((kind) => kind.schema);
const oneOutlet = z.discriminatedUnion('kind', schemas as unknown as [Kind['schema'], Kind['schema'], ...Kind['schema'][]]);

const outletList = z.array(oneOutlet).min(1);
type WrittenDelivery = z.infer<typeof oneOutlet> | Array<z.infer<typeof oneOutlet>>;

/**
 * A channel's `delivery` in the config file: one outlet, or a list (the same message to each, counted
 * once). Read by its shape, so an error names the field at fault, not "invalid input".
 */
export const deliverySchema = z.unknown().transform((value, ctx): WrittenDelivery => {
	const parsed = Array.isArray(value) ? outletList.safeParse(value) : oneOutlet.safeParse(value);
	if (parsed.success) return parsed.data;
	for (const issue of parsed.error.issues) ctx.addIssue(issue);
	return z.NEVER;
});

/** The outlets of a channel, as its configuration gives them (one or a list). */
export function outletsOf(delivery: DeliverySettings | readonly DeliverySettings[]): readonly DeliverySettings[] {
	return Array.isArray(delivery) ? delivery : [delivery as DeliverySettings];
}

export function resolveDelivery(written: WrittenDelivery, at: ResolveContext): DeliverySettings | DeliverySettings[] {
	const list = (Array.isArray(written) ? written : [written]) as Array<z.infer<Kind['schema']>>;
	const resolved = list.map((outlet) => (kindOf(outlet.kind).resolve as (w: unknown, a: ResolveContext) => DeliverySettings)(outlet, at));
	const kinds = resolved.map((outlet) => outlet.kind);
	const twice = kinds.find((kind, i) => kinds.indexOf(kind) !== i);
	if (twice) throw new ConfigInvalid(`channel "${at.channel}": the delivery list names "${twice}" twice; a channel delivers to each kind of outlet once.`);
	if (resolved.length > 1 && kinds.includes('webhook')) {
		throw new ConfigInvalid(`channel "${at.channel}": an n8n flow (kind webhook) cannot share a channel with other outlets: the flow posts by itself and answers later. Give the flow the other outlets too, or list only direct outlets.`);
	}
	return Array.isArray(written) ? resolved : resolved[0];
}

/** What is wrong with a channel's outlets under the dispatch settings, or null. */
export function checkDelivery(delivery: DeliverySettings | readonly DeliverySettings[], leaseSeconds: number): string | null {
	for (const outlet of outletsOf(delivery)) {
		const check = kindOf(outlet.kind).check as ((s: DeliverySettings, l: number) => string | null) | undefined;
		const problem = check?.(outlet, leaseSeconds);
		if (problem) return problem;
	}
	return null;
}

export function transportOf(settings: DeliverySettings, options: TransportOptions): Transport {
	return (kindOf(settings.kind).transport as (s: DeliverySettings, o: TransportOptions) => Transport)(settings, options);
}

/** A kind that posts by itself: a registered n8n flow does not take its channel over. */
export function isDirect(kind: string): boolean {
	return byName.get(kind)?.direct ?? false;
}
