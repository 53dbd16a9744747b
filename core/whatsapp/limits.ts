// WhatsApp's length limits, in characters (code points), where each kind of text ends up.
// Sources: Cloud API text and image references, template components page (notes §1.2, §1.3).
export const LIMITS = {
	/** A text message body. */
	text: 4096,
	/** The caption of an image. */
	caption: 1024,
	/** A template body after its parameters are filled in. */
	templateBody: 1024,
	/** A template text header, parameter included. */
	header: 60,
} as const;

export type TextKind = keyof typeof LIMITS;

/** The Cloud API default throughput, and the highest tier Meta grants automatically. */
export const DEFAULT_RATE = 80;
export const MAX_RATE = 1000;
