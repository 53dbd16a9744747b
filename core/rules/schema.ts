// The shape of a rules file. Zod checks structure and types (unknown keys are errors, so typos never
// pass silently); meaning (times, dates, regexes, references between sections) is checked in check.ts.
import { z } from '../vendor';
import { CONCERN_THRESHOLD } from '../classifier/model';
import { DEFAULT_MAX_LENGTH, DEFAULT_TEMPLATE, DEFAULT_TIMEZONE } from './defaults';

const list = z.array(z.string()).default([]);

export const SOURCE_KINDS = ['rss', 'atom', 'rdf', 'html', 'youtube', 'facebook', 'instagram'] as const;
export const WEEK_KINDS = ['iso', 'rolling'] as const;

const quietHours = z.object({ from: z.string(), to: z.string() }).strict();

/** Low-priority overflow bundled in one message that counts once (core/quota/digest.ts). */
export const digestSchema = z
	.object({
		enabled: z.boolean().default(false),
		maxPriority: z.number().int().min(0).max(1000).default(10),
		minItems: z.number().int().min(2).max(50).default(2),
		maxItems: z.number().int().min(2).max(50).default(10),
		title: z.string().trim().min(1).max(200).optional(),
	})
	.strict()
	// minItems above maxItems would never make a digest: said at minItems, with the usual Italian text.
	.superRefine((d, ctx) => {
		if (d.minItems > d.maxItems) ctx.addIssue({ code: 'too_big', type: 'number', maximum: d.maxItems, inclusive: true, path: ['minItems'] });
	});

export const quotaSchema = z
	.object({
		perWeek: z.number().int().min(0).max(1000).default(10),
		week: z.enum(WEEK_KINDS).default('iso'),
		emergenciesExempt: z.boolean().default(true),
		minSpacingMinutes: z.number().int().min(0).max(1440).default(0),
		quietHours: quietHours.nullable().default(null),
		pacing: z.boolean().default(false),
		digest: digestSchema.default({}),
	})
	.strict();

const matchSchema = z
	.object({
		sourceCategories: list,
		urlPaths: list,
		words: list,
		patterns: list,
		sourceKinds: z.array(z.enum(SOURCE_KINDS)).default([]),
		/** Words that mean the item is not of this category whatever else matched ("esercitazione" for an emergency). */
		unless: list,
	})
	.strict();

const expiresSchema = z
	.object({
		afterEvent: z.boolean().default(false),
		maxAgeHours: z.number().positive().max(24 * 366).nullable().default(null),
	})
	.strict();

const categorySchema = z
	.object({
		id: z.string(),
		label: z.string().min(1),
		emoji: z.string().default(''),
		priority: z.number().int().min(0).max(1000).default(0),
		emergency: z.boolean().default(false),
		approval: z.boolean().default(false),
		match: matchSchema.default({}),
		expires: expiresSchema.default({}),
	})
	.strict();

const blockedSchema = z
	.object({
		id: z.string(),
		reason: z.string().min(1).optional(),
		defaults: z.boolean().optional(),
		words: list,
		/** Cues, not proof: an item with one of these goes to the office for review, not out and not into the bin. */
		review: list,
		patterns: list,
		exclude: list,
		/** Words that mean the list does not apply: an election office's notice quotes "propaganda elettorale". */
		unless: list,
	})
	.strict();

const periodSchema = z
	.object({
		name: z.string().min(1),
		start: z.string(),
		end: z.string(),
	})
	.strict();

const electionSchema = z
	.object({
		/** Periods from the built-in election calendar for the comune named by `istat`. */
		calendar: z.boolean().default(true),
		/** Calendar votes without a list of comuni (a round of comunali) that the comune takes part in. */
		votes: list,
		pass: z.array(z.string()).optional(),
		reject: list,
		persons: list,
		dropImages: z.boolean().default(true),
		periods: z.array(periodSchema).default([]),
	})
	.strict();

const messageSchema = z
	.object({
		template: z.string().default(DEFAULT_TEMPLATE),
		footer: z.string().default(''),
		maxLength: z.number().int().min(200).max(4096).default(DEFAULT_MAX_LENGTH),
	})
	.strict();

export const rulesSchema = z
	.object({
		version: z.literal(1).default(1),
		comune: z.string().min(1),
		/** The comune's ISTAT code: the election periods that bind it come from the calendar. */
		istat: z.union([z.string(), z.number().int()]).optional(),
		channel: z.string().min(1).optional(),
		timezone: z.string().default(DEFAULT_TIMEZONE),
		quota: quotaSchema.default({}),
		categories: z.array(categorySchema).min(1),
		fallbackCategory: z.string().nullable().default(null),
		expiry: z
			.object({ maxAgeHours: z.number().positive().max(24 * 366).nullable().default(null) })
			.strict()
			.default({}),
		blocked: z.array(blockedSchema).optional(),
		/** The learned classifier: an item it finds electoral, political or commercial goes to the office. */
		classifier: z
			.object({ enabled: z.boolean().default(true), threshold: z.number().min(0.5).max(0.99).default(CONCERN_THRESHOLD) })
			.strict()
			.default({}),
		election: electionSchema.default({}),
		message: messageSchema.default({}),
	})
	.strict();

/** The rules file after structural validation and defaults, before compiling. */
export type RulesData = z.infer<typeof rulesSchema>;
export type CategoryData = RulesData['categories'][number];
export type BlockedData = NonNullable<RulesData['blocked']>[number];
export type QuotaData = RulesData['quota'];
export type PeriodData = RulesData['election']['periods'][number];
