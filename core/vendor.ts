// The only module that imports third-party libraries. The build bundles it into dist/core/vendor.js,
// so the published n8n package has no runtime dependencies and every node shares one copy.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the scheduler's build compiles this file without the rest of core/
/// <reference path="./sax.d.ts" />
export * as sax from 'sax';
export { load as loadHtml } from 'cheerio/slim';
export type { CheerioAPI, Cheerio } from 'cheerio/slim';
export { DateTime, IANAZone } from 'luxon';
export { decodeHTML, decodeXML } from 'entities';
export { default as iconv } from 'iconv-lite';
export type { AnyNode, Element } from 'domhandler';
export { parseDocument, LineCounter, isMap, isSeq, isScalar, isPair } from 'yaml';
export type { Document as YamlDocument, Node as YamlNode } from 'yaml';
export { z } from 'zod';
export type { ZodIssue, ZodTypeAny } from 'zod';
export { toString as qrToString, toBuffer as qrToBuffer } from 'qrcode';
