// The admin page never shows a subscriber's phone number: whatever a log entry holds, numbers that
// look like one are masked and fields that name one are dropped before display or export.
const PHONE_KEYS = /^(phone|phones|phone_?number|msisdn|wa_?id|waId|recipient|recipients|telefono|cellulare)$/i;
const PHONE = /\+?\d[\d\s.-]{7,}\d/g;

export function maskPhones(text: string): string {
	return text.replace(PHONE, (match) => (match.replace(/\D/g, '').length >= 9 ? '***' : match));
}

export function redact(value: unknown): unknown {
	if (typeof value === 'string') return maskPhones(value);
	if (Array.isArray(value)) return value.map(redact);
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const [key, v] of Object.entries(value)) out[key] = PHONE_KEYS.test(key) ? '***' : redact(v);
		return out;
	}
	return value;
}
