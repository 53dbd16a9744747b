// The configuration of a channel whose audience is its confirmed subscribers over the Cloud API.
import { z } from '../../../core/vendor';
import { DEFAULT_KEYWORD } from './keywords';

export const subscribersDelivery = z
	.object({
		kind: z.literal('subscribers'),
		/** The Cloud API phone number id (Meta app dashboard, WhatsApp > API Setup). */
		phoneNumberId: z.string().regex(/^\d+$/, 'the numeric Phone number ID of the Meta app'),
		/** The business number itself, for the wa.me sign-up link: digits with the country code. */
		businessNumber: z.string().regex(/^\+?\d{8,15}$/, 'digits with the country code, e.g. 390297351'),
		/** Environment variable holding the access token. */
		accessTokenEnv: z.string().min(1).default('WHATSAPP_ACCESS_TOKEN'),
		graphUrl: z.string().url().default('https://graph.facebook.com'),
		graphVersion: z.string().regex(/^v\d+\.\d+$/).default('v23.0'),
		/** The approved template for news (business-initiated messages); without it only people who wrote in the last 24 hours get free text. */
		template: z.object({ name: z.string().min(1), language: z.string().min(2).default('it'), body: z.string().default('') }).strict().optional(),
		/** Messages a second. */
		rate: z.number().int().min(1).max(1000).default(20),
		keyword: z.string().min(2).default(DEFAULT_KEYWORD),
		termsUrl: z.string().url(),
		privacyUrl: z.string().url(),
		policyVersion: z.string().min(1),
		/** Where problems with the service are reported (Magenta §4). */
		reportEmail: z.string().email(),
		/** The traditional channels, as the one-way auto-reply names them. */
		traditionalChannels: z.string().min(3),
		consentRetentionDays: z.number().int().min(1).default(730),
		repliesPerHour: z.number().int().min(1).max(100).default(5),
	})
	.strict();

export type SubscribersDelivery = Omit<z.infer<typeof subscribersDelivery>, 'accessTokenEnv'> & { accessTokenEnv?: string; accessToken: string };
