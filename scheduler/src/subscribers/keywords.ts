// What a citizen's message asks for. Texts are compared after normalisation: NFD with the accents
// stripped, upper case, punctuation as spaces ("Annullà!" is ANNULLA, "Sì, accetto" is SI ACCETTO).
//
// - Unsubscribe: any word of the message is STOP, CANCELLAMI, ANNULLA or DISISCRIVIMI, whatever else
//   it says ("Stop per favore"). It wins over everything: when in doubt, a person is let go.
// - Sign up: the channel's keyword (default ISCRIVIMI) appears as consecutive words.
// - Confirm: the whole message is made of SI, ACCETTO, CONFERMO, OK (consent must be unambiguous:
//   "sì, ma prima una domanda" is not a confirmation).
export const STOP_WORDS = ['STOP', 'CANCELLAMI', 'ANNULLA', 'DISISCRIVIMI'] as const;
export const CONFIRM_WORDS = ['SI', 'ACCETTO', 'CONFERMO', 'OK'] as const;
export const DEFAULT_KEYWORD = 'ISCRIVIMI';

export function normaliseText(text: string): string {
	return text
		.normalize('NFD')
		.replace(/\p{M}+/gu, '')
		.toUpperCase()
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
}

export type Intent = { kind: 'stop' } | { kind: 'signup'; channel: string } | { kind: 'confirm' } | { kind: 'other' };

/** `keywords`: channel id → its sign-up keyword, for the channels on the number that was written to. */
export function classify(text: string, keywords: Array<{ channel: string; keyword: string }>): Intent {
	const normal = normaliseText(text);
	const words = normal ? normal.split(' ') : [];
	if (words.some((word) => (STOP_WORDS as readonly string[]).includes(word))) return { kind: 'stop' };
	const padded = ` ${normal} `;
	// The longest keyword first: "ISCRIVIMI MEDA" beats "ISCRIVIMI" when one number serves two channels.
	const sorted = [...keywords].sort((a, b) => normaliseText(b.keyword).length - normaliseText(a.keyword).length);
	for (const { channel, keyword } of sorted) {
		const wanted = normaliseText(keyword);
		if (wanted && padded.includes(` ${wanted} `)) return { kind: 'signup', channel };
	}
	if (words.length && words.every((word) => (CONFIRM_WORDS as readonly string[]).includes(word))) return { kind: 'confirm' };
	return { kind: 'other' };
}
