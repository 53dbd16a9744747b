// What the office can be told, one checkbox each on the "Notifiche" page; and what an address is.

export const NOTIFY_KINDS = ['held', 'doubt', 'failed', 'gateway', 'election', 'rules', 'weekly'] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

export const isNotifyKind = (value: string): value is NotifyKind => (NOTIFY_KINDS as readonly string[]).includes(value);

/** A plain address: one @, a dot in the domain, no spaces, brackets or separators (one recipient only). */
const EMAIL = /^[^\s@<>(),;:"\\[\]]+@[^\s@<>(),;:"\\[\]]+\.[^\s@<>(),;:"\\[\]]+$/;

export function isEmail(value: string): boolean {
	return value.length <= 254 && EMAIL.test(value) && !/[\u0000-\u001f\u007f]/.test(value);
}

/** A sender as "Name <address>" or a bare address. */
export function isSender(value: string): boolean {
	const bracket = /^[^<>\u0000-\u001f]*<([^<>]+)>$/.exec(value.trim());
	return isEmail(bracket ? bracket[1] : value.trim());
}
