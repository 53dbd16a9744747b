// The part of sax 1.6 the feed reader uses (the package ships no types).
declare module 'sax' {
	export interface Tag {
		name: string;
		attributes: Record<string, string>;
	}
	export interface SAXParser {
		onerror: (error: Error) => void;
		onopentag: (tag: Tag) => void;
		onclosetag: (name: string) => void;
		ontext: (text: string) => void;
		oncdata: (text: string) => void;
		write(chunk: string): SAXParser;
		close(): SAXParser;
	}
	export function parser(strict: boolean, options?: { trim?: boolean; normalize?: boolean; xmlns?: boolean }): SAXParser;
}
