// The only module that imports third-party libraries. The build bundles it into dist/core/vendor.js,
// so the published n8n package has no runtime dependencies and every node shares one copy.
export { default as RssParser } from 'rss-parser';
export { load as loadHtml } from 'cheerio/slim';
export type { CheerioAPI, Cheerio } from 'cheerio/slim';
export { DateTime, IANAZone } from 'luxon';
export { decodeHTML, decodeXML } from 'entities';
export { default as iconv } from 'iconv-lite';
