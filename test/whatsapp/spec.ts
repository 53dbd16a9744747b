// Request bodies checked against the providers' own OpenAPI specs, copied unmodified into
// test/fixtures/specs (its README names each one's source, version and licence): the tests read
// nothing outside the repository. A small resolver inlines $refs, turns OpenAPI's `discriminator`
// into if/then, and merges `allOf` parts into one object: the Cloud API spec puts
// additionalProperties:false inside allOf branches (TextMessage, ImageMessage), which read literally
// would reject even messaging_product; merged, it means what it was meant to: no property outside
// the listed ones.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type Schema = Record<string, unknown>;

const SPECS = join(__dirname, '..', 'fixtures', 'specs');
const DROP = new Set(['example', 'examples', 'description', 'discriminator', 'xml', 'externalDocs', 'deprecated', 'readOnly', 'writeOnly']);

let cached: { cloud: Schema; waha: Schema; evolution: Schema } | undefined;
function specs() {
	cached ??= {
		cloud: parse(readFileSync(join(SPECS, 'whatsapp-cloud-api_v23.0.yaml'), 'utf8')) as Schema,
		waha: JSON.parse(readFileSync(join(SPECS, 'waha-openapi.json'), 'utf8')) as Schema,
		evolution: JSON.parse(readFileSync(join(SPECS, 'evolution-api-openapi-v2.json'), 'utf8')) as Schema,
	};
	return cached;
}

function pointer(spec: Schema, ref: string): unknown {
	return ref
		.replace(/^#\//, '')
		.split('/')
		.reduce<unknown>((node, part) => (node as Schema)[part.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
}

export function resolveSchema(spec: Schema, node: unknown, stack: string[] = []): unknown {
	if (Array.isArray(node)) return node.map((child) => resolveSchema(spec, child, stack));
	if (!node || typeof node !== 'object') return node;
	const source = node as Schema;
	if (typeof source.$ref === 'string') {
		// A schema that refers back to one being resolved (a discriminator's parent) adds nothing new.
		if (stack.includes(source.$ref)) return {};
		return resolveSchema(spec, pointer(spec, source.$ref), [...stack, source.$ref]);
	}
	const out: Schema = {};
	for (const [key, value] of Object.entries(source)) {
		if (DROP.has(key) || key === 'nullable') continue;
		if (key === 'properties') {
			out.properties = Object.fromEntries(Object.entries(value as Schema).map(([name, child]) => [name, resolveSchema(spec, child, stack)]));
		} else if (key === 'required' && !Array.isArray(value)) continue;
		else out[key] = resolveSchema(spec, value, stack);
	}
	if (source.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
	const discriminator = source.discriminator as { propertyName: string; mapping?: Record<string, string> } | undefined;
	if (discriminator?.mapping) {
		const property = discriminator.propertyName;
		delete out.oneOf;
		delete out.anyOf;
		out.required = [...new Set([...((out.required as string[]) ?? []), property])];
		out.properties = { ...(out.properties as Schema), [property]: { enum: Object.keys(discriminator.mapping) } };
		const branches = Object.entries(discriminator.mapping).map(([value, ref]) => ({
			if: { properties: { [property]: { const: value } }, required: [property] },
			then: resolveSchema(spec, { $ref: ref }, stack),
		}));
		out.allOf = [...((out.allOf as unknown[]) ?? []), ...branches];
	}
	return out.allOf ? mergeAllOf(out) : out;
}

function mergeAllOf(schema: Schema): Schema {
	const { allOf, ...merged } = schema as Schema & { allOf: Schema[] };
	const kept: Schema[] = [];
	const properties: Schema = { ...((merged.properties as Schema) ?? {}) };
	const required = new Set<string>((merged.required as string[]) ?? []);
	let closed = merged.additionalProperties === false;
	for (const part of allOf) {
		if (part.if || part.oneOf || part.anyOf || part.allOf) {
			kept.push(part);
			continue;
		}
		for (const [name, child] of Object.entries((part.properties as Schema) ?? {})) {
			properties[name] = properties[name] ? { allOf: [properties[name], child] } : child;
		}
		for (const name of (part.required as string[]) ?? []) required.add(name);
		if (part.additionalProperties === false) closed = true;
		if (part.type && !merged.type) merged.type = part.type;
	}
	const out: Schema = { ...merged };
	if (Object.keys(properties).length) out.properties = properties;
	if (required.size) out.required = [...required];
	if (closed) out.additionalProperties = false;
	else delete out.additionalProperties;
	if (kept.length) out.allOf = kept;
	return out;
}

const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addFormat('url', /^https?:\/\/\S+$/);
const compiled = new Map<string, ValidateFunction>();

function validator(key: string, make: () => unknown): ValidateFunction {
	let validate = compiled.get(key);
	if (!validate) {
		validate = ajv.compile(make() as Schema);
		compiled.set(key, validate);
	}
	return validate;
}

function requestSchema(spec: Schema, path: string, method: string): unknown {
	const operation = ((spec.paths as Schema)[path] as Schema)[method] as Schema;
	const body = operation.requestBody as { content: Record<string, { schema: unknown }> };
	return resolveSchema(spec, body.content['application/json'].schema);
}

/** Errors of a body against the spec, [] when valid. */
export function cloudErrors(body: unknown): string[] {
	return errors(validator('cloud:messages', () => requestSchema(specs().cloud, '/{Version}/{Phone-Number-ID}/messages', 'post')), body);
}

export function cloudSchemaErrors(component: string, value: unknown): string[] {
	return errors(validator(`cloud:${component}`, () => resolveSchema(specs().cloud, { $ref: `#/components/schemas/${component}` })), value);
}

export function wahaErrors(path: '/api/sendText' | '/api/sendImage', body: unknown): string[] {
	return errors(validator(`waha:${path}`, () => requestSchema(specs().waha, path, 'post')), body);
}

export function evolutionErrors(path: '/message/sendText/{instance}' | '/message/sendMedia/{instance}', body: unknown): string[] {
	return errors(validator(`evolution:${path}`, () => requestSchema(specs().evolution, path, 'post')), body);
}

function errors(validate: ValidateFunction, value: unknown): string[] {
	return validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}
