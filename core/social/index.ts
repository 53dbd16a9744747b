export { DEFAULT_GRAPH_URL, DEFAULT_GRAPH_VERSION, socialTarget, usageOf, type MetaGraphOptions, type SocialKind, type SocialTarget, type Usage } from './graph';
export { titleAndSummary } from './posts';
export { DEFAULT_MAX_ITEMS, DEFAULT_MAX_PAGES, readSocial, type SocialRead, type SocialReadOptions } from './read';
