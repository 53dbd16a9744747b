// t(key, params): the one door to user-facing text. Italian is the only catalog today; a new language
// is a `Catalog` with every key, registered in CATALOGS.
import { it, type MessageKey } from './it';

export type { MessageKey } from './it';
export type Catalog = Record<MessageKey, string>;
export type Locale = 'it';
export type MessageParams = Record<string, string | number>;

const CATALOGS: Record<Locale, Catalog> = { it };

const PLACEHOLDER = /\{(\w+)\}/g;

/** The message for `key` with `{name}` filled from params; unknown names are left visible. */
export function t(key: MessageKey, params: MessageParams = {}, locale: Locale = 'it'): string {
	const template = CATALOGS[locale][key];
	return template.replace(PLACEHOLDER, (whole, name: string) =>
		Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
	);
}

export function hasMessage(key: string, locale: Locale = 'it'): key is MessageKey {
	return Object.prototype.hasOwnProperty.call(CATALOGS[locale], key);
}
