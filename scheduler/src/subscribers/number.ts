// A phone number as WhatsApp writes it (digits with the country code, no "+"), from what people type.

/** Digits with the country code, or null when it cannot be one. Italian numbers without +39 get it. */
export function normaliseNumber(input: string): string | null {
	let s = input.trim().replace(/[\s().\-/]/g, '');
	if (s.startsWith('+')) s = s.slice(1);
	else if (s.startsWith('00')) s = s.slice(2);
	else if (/^3\d{8,9}$/.test(s) || /^0\d{5,10}$/.test(s)) s = `39${s}`;
	return /^[1-9]\d{7,14}$/.test(s) ? s : null;
}
