// A comune's sources written as data, not in a node's fields: a channel's `sources:` in the
// scheduler's config, and the same list on an n8n item (Banditore Feed, "Sources From: Input Field").
// One shape and one check for both.
import { BanditoreError } from './errors';
import { SOURCE_KIND_OPTIONS, type SourceConfig } from './read';
import { z, type ZodIssue } from './vendor';

export const sourceEntrySchema = z
	.object({
		url: z.string().trim().min(1),
		kind: z.enum(SOURCE_KIND_OPTIONS).optional(),
		name: z.string().trim().min(1).optional(),
	})
	.strict();

export const sourceListSchema = z.array(sourceEntrySchema);

export type SourceEntry = z.infer<typeof sourceEntrySchema>;

const EXAMPLE = `Give a list like [{ "url": "https://www.comune.example.it/", "kind": "auto" }]: "url" is a site, page or feed address (a Page or account ID for facebook and instagram), "kind" one of ${SOURCE_KIND_OPTIONS.join(', ')} (auto when left out).`;

/** The list as the readers take it; `where` names it in the error (e.g. 'The "sources" field of input item 2'). */
export function sourceList(value: unknown, where: string): SourceConfig[] {
	if (!Array.isArray(value)) {
		const got = value === undefined || value === null ? 'nothing' : typeof value === 'string' ? `the text "${value.slice(0, 60)}"` : `a${typeof value === 'object' ? 'n object' : ` ${typeof value}`}`;
		throw new BanditoreError('bad_sources', `${where} is not a list of sources: it holds ${got}`, EXAMPLE);
	}
	const parsed = sourceListSchema.safeParse(value);
	if (!parsed.success) throw new BanditoreError('bad_sources', `${where}: ${describe(parsed.error.issues[0])}`, EXAMPLE);
	return parsed.data.map((entry) => ({ url: entry.url, kind: entry.kind ?? 'auto', ...(entry.name ? { name: entry.name } : {}) }));
}

function describe(issue: ZodIssue): string {
	const [index, field] = issue.path;
	const at = typeof index === 'number' ? `source ${index + 1}` : 'a source';
	if (field === 'kind') return `${at} has the kind ${JSON.stringify((issue as { received?: unknown }).received)}, which is not one of ${SOURCE_KIND_OPTIONS.join(', ')}`;
	if (field === 'url') return `${at} has no address in "url"`;
	if (field === undefined && issue.code === 'invalid_type') return `${at} is not an object with a "url"`;
	if (issue.code === 'unrecognized_keys') return `${at} has fields a source does not have: ${issue.keys.join(', ')}`;
	return `${at}${field ? ` (${String(field)})` : ''}: ${issue.message}`;
}
