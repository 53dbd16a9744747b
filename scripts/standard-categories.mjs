// Writes nodes/BanditorePolicy/standard.ts from rules/meda.yaml: the category model "Node Parameters"
// rules start from. Run it after changing Meda's categories (test/engine/policy.node.test.ts fails
// until then): node scripts/standard-categories.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const meda = parse(readFileSync(join(root, 'rules', 'meda.yaml'), 'utf8'));

const quote = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
function literal(value, indent) {
	const pad = '\t'.repeat(indent + 1);
	if (Array.isArray(value)) return value.length ? `[\n${value.map((v) => pad + literal(v, indent + 1)).join(',\n')}\n${'\t'.repeat(indent)}]` : '[]';
	if (value && typeof value === 'object') {
		const keys = Object.keys(value);
		return `{\n${keys.map((k) => `${pad}${/^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k)}: ${literal(value[k], indent + 1)}`).join(',\n')}\n${'\t'.repeat(indent)}}`;
	}
	return typeof value === 'string' ? quote(value) : String(value);
}

const text = `// The category model of the example rules files (rules/meda.yaml): what "Node Parameters" rules start
// from, since core/rules has no default categories. Written by scripts/standard-categories.mjs; a test
// keeps it equal to rules/meda.yaml.

export const STANDARD_CATEGORIES = ${literal(meda.categories, 0)};

/** Goes with the categories: which of them are indispensable during an election period (L. 28/2000). */
export const STANDARD_MODEL = {
	categories: STANDARD_CATEGORIES,
	fallbackCategory: ${quote(meda.fallbackCategory)},
	expiry: ${literal(meda.expiry, 1).replace(/\n\t*/g, ' ').replace('{ ', '{ ').replace(' }', ' }')},
	election: { pass: [${meda.election.pass.map(quote).join(', ')}], reject: [${meda.election.reject.map(quote).join(', ')}] },
};
`;
writeFileSync(join(root, 'nodes', 'BanditorePolicy', 'standard.ts'), text);
