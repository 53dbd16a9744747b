// The sign-up link a comune puts on its website: wa.me with the keyword prefilled, and its QR code.
// One implementation for the CLI and the scheduler (its API and admin page).
import { qrToBuffer, qrToString } from './vendor';

/** https://wa.me/<number>?text=<keyword>: opens a chat with the comune's number, the keyword typed. */
export function signupUrl(businessNumber: string, keyword: string): string {
	return `https://wa.me/${businessNumber.replace(/\D/g, '')}?text=${encodeURIComponent(keyword)}`;
}

/** The QR code of a link, as an SVG document or PNG bytes; margin and error correction for print. */
export async function signupQr(url: string, format: 'svg' | 'png'): Promise<string | Buffer> {
	const options = { errorCorrectionLevel: 'M' as const, margin: 4 };
	if (format === 'svg') return qrToString(url, { ...options, type: 'svg' });
	return qrToBuffer(url, { ...options, type: 'png', width: 512 });
}
