// What the office can be told, one checkbox each on the "Notifiche" page; and what an address is.

export const NOTIFY_KINDS = ['held', 'doubt', 'failed', 'gateway', 'election', 'rules', 'weekly'] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

export const isNotifyKind = (value: string): value is NotifyKind => (NOTIFY_KINDS as readonly string[]).includes(value);

/** A plain address: one @, a dot in the domain, no spaces, brackets or separators (one recipient only). */
const EMAIL = /^[^\s@<>(),;:"\\[\]]+@[^\s@<>(),;:"\\[\]]+\.[^\s@<>(),;:"\\[\]]+$/;

/** NUL and the other control characters: never in an address or a header. */
const hasControl = (value: string): boolean => [...value].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127);

export function isEmail(value: string): boolean {
	return value.length <= 254 && EMAIL.test(value) && !hasControl(value);
}

/** A sender as "Name <address>" or a bare address. */
export function isSender(value: string): boolean {
	if (hasControl(value)) return false;
	const bracket = /^[^<>]*<([^<>]+)>$/.exec(value.trim());
	return isEmail(bracket ? bracket[1] : value.trim());
}
