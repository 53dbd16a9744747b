// The schemas' validators. A JSON body is typed by its sender: a wrong type is refused, never
// converted (an object is not a reason, "5" is not a priority). Path parameters and query strings are
// text by nature, so there "50" is the integer 50.
import Ajv, { type AnySchema } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

function ajv(coerceTypes: false | 'array'): Ajv {
	// allErrors off: with it a crafted body can make validation slow (fastify's own default).
	const instance = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
	addFormats(instance);
	return instance;
}

export function validatorCompiler(): FastifySchemaCompiler<AnySchema> {
	const typed = ajv(false);
	const text = ajv('array');
	return ({ schema, httpPart }) => (httpPart === 'body' ? typed : text).compile(schema);
}
