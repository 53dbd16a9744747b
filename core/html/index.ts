// Reading comuni websites as HTML: listing pages, single pages, and the links between them.
export { parseListing } from './listing';
export type { CustomSelectors, ListingContext, ListingResult } from './listing';
export { detectPreset, PRESETS, PRESET_NAMES } from './presets';
export type { PresetName, PresetSpec } from './presets';
export { discoverSources } from './discover';
export type { Discovery, DiscoveredFeed } from './discover';
export { mergeDetail, parseDetailPage } from './detail';
export type { DetailContext, DetailInfo } from './detail';
