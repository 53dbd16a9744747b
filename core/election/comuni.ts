// The ISTAT list of Italian comuni (code → name, province, region), shipped as data in comuni.json.
// Source, date and licence: README.md beside this file.
import data from './comuni.json';

export interface Comune {
	/** ISTAT code, 6 digits ("108030"). */
	code: string;
	name: string;
	province: { code: string; sigla: string; name: string };
	region: { code: string; name: string };
}

interface ComuniFile {
	source: string;
	state: string;
	regions: Record<string, string>;
	provinces: Record<string, [string, string, string]>;
	comuni: string[];
}

const FILE = data as unknown as ComuniFile;

/** Where the list comes from and the date of the administrative state it reflects. */
export const COMUNI_SOURCE: { source: string; state: string; count: number } = {
	source: FILE.source,
	state: FILE.state,
	count: FILE.comuni.length,
};

let index: Map<string, Comune> | null = null;

function byCode(): Map<string, Comune> {
	if (index) return index;
	const map = new Map<string, Comune>();
	for (const entry of FILE.comuni) {
		const bar = entry.indexOf('|');
		const code = entry.slice(0, bar);
		const provinceCode = code.slice(0, 3);
		const [sigla, provinceName, regionCode] = FILE.provinces[provinceCode];
		map.set(code, {
			code,
			name: entry.slice(bar + 1),
			province: { code: provinceCode, sigla, name: provinceName },
			region: { code: regionCode, name: FILE.regions[regionCode] },
		});
	}
	index = map;
	return map;
}

/**
 * A code as people write it: "108030", " 108030 ", 108030 or the numeric form without the leading
 * zero ("15146" for Milano). Null when it cannot be an ISTAT comune code at all.
 */
export function normaliseIstat(code: string | number): string | null {
	const text = String(code).trim();
	if (!/^\d{4,6}$/.test(text)) return null;
	return text.padStart(6, '0');
}

/** The comune with that ISTAT code, or undefined when the shipped list has none. */
export function comuneByIstat(code: string | number): Comune | undefined {
	const normal = normaliseIstat(code);
	return normal === null ? undefined : byCode().get(normal);
}

export function isRegionCode(code: string): boolean {
	return Object.prototype.hasOwnProperty.call(FILE.regions, code);
}

export function regionName(code: string): string | undefined {
	return isRegionCode(code) ? FILE.regions[code] : undefined;
}
