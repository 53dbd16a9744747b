import { decodeDocument, repairDoubleEncoding } from '../../core/encoding';
import { iconv } from '../../core/vendor';
import { fixtureBytes } from './feed/fixtures';

const ITALIAN = 'Perché la città è più bella: «Più verde» – l’assessore dà l’ok, 10 €';
const XML = (encoding: string) => `<?xml version="1.0" encoding="${encoding}"?><rss version="2.0"><channel><title>${ITALIAN}</title></channel></rss>`;

function bytes(...parts: Array<number[] | Buffer>): Uint8Array {
	return new Uint8Array(Buffer.concat(parts.map((part) => (Array.isArray(part) ? Buffer.from(part) : part))));
}

describe('decodeDocument: byte order marks', () => {
	it('reads UTF-8 with BOM and removes the BOM', () => {
		const result = decodeDocument(bytes([0xef, 0xbb, 0xbf], Buffer.from(XML('UTF-8'))));
		expect(result).toEqual({ text: XML('UTF-8'), encoding: 'utf-8', repaired: false });
	});

	it('reads UTF-16LE and UTF-16BE with BOM', () => {
		const le = decodeDocument(bytes([0xff, 0xfe], iconv.encode(XML('UTF-16'), 'utf-16le')));
		expect(le).toEqual({ text: XML('UTF-16'), encoding: 'utf-16le', repaired: false });
		const be = decodeDocument(bytes([0xfe, 0xff], iconv.encode(XML('UTF-16'), 'utf-16be')));
		expect(be).toEqual({ text: XML('UTF-16'), encoding: 'utf-16be', repaired: false });
	});

	it('reads UTF-32LE and UTF-32BE with BOM', () => {
		const le = decodeDocument(bytes([0xff, 0xfe, 0, 0], iconv.encode(XML('UTF-32'), 'utf-32le')));
		expect(le).toEqual({ text: XML('UTF-32'), encoding: 'utf-32le', repaired: false });
		const be = decodeDocument(bytes([0, 0, 0xfe, 0xff], iconv.encode(XML('UTF-32'), 'utf-32be')));
		expect(be).toEqual({ text: XML('UTF-32'), encoding: 'utf-32be', repaired: false });
	});

	it('lets a BOM win over a wrong HTTP charset', () => {
		const result = decodeDocument(bytes([0xef, 0xbb, 0xbf], Buffer.from(ITALIAN)), { contentType: 'text/xml; charset=ISO-8859-1' });
		expect(result.text).toBe(ITALIAN);
		expect(result.encoding).toBe('utf-8');
	});
});

describe('decodeDocument: UTF-16/32 without BOM', () => {
	it('reads UTF-16LE declared in the prolog', () => {
		const result = decodeDocument(new Uint8Array(iconv.encode(XML('UTF-16'), 'utf-16le')));
		expect(result).toEqual({ text: XML('UTF-16'), encoding: 'utf-16le', repaired: false });
	});

	it('reads UTF-16BE declared over HTTP', () => {
		const result = decodeDocument(new Uint8Array(iconv.encode(XML('UTF-16BE'), 'utf-16be')), {
			contentType: 'application/xml; charset=utf-16be',
		});
		expect(result).toEqual({ text: XML('UTF-16BE'), encoding: 'utf-16be', repaired: false });
	});

	it('reads UTF-32LE declared in the prolog', () => {
		const result = decodeDocument(new Uint8Array(iconv.encode(XML('UTF-32'), 'utf-32le')));
		expect(result.text).toBe(XML('UTF-32'));
		expect(result.encoding).toBe('utf-32le');
	});

	it('ignores a UTF-16 HTTP charset over bytes that plainly start with ASCII "<"', () => {
		const result = decodeDocument(new Uint8Array(Buffer.from(XML('UTF-8'))), { contentType: 'text/xml; charset=utf-16' });
		expect(result).toEqual({ text: XML('UTF-8'), encoding: 'utf-8', repaired: false });
	});
});

describe('decodeDocument: declarations', () => {
	it('reads ISO-8859-1 declared in the prolog (fixture)', () => {
		const result = decodeDocument(fixtureBytes('latin1-prolog.xml'));
		expect(result.encoding).toBe('windows-1252');
		expect(result.text).toContain('Perché la città è più bella: «Più verde in piazza»');
		expect(result.text).toContain('Lavori già iniziati, finirà a giugno. Qualità e virtù!');
		expect(result.repaired).toBe(false);
	});

	it('reads windows-1252 curly quotes, dashes and € declared as ISO-8859-1 (fixture)', () => {
		const result = decodeDocument(fixtureBytes('cp1252-declared-latin1.xml'));
		expect(result.encoding).toBe('windows-1252');
		expect(result.text).toContain('Comune di Borgo – Tributi');
		expect(result.text).toContain('“Tari 2025”: si paga entro l’estate');
		expect(result.text).toContain('Rata unica da 120 € – città più pulita… perché no?');
	});

	it('lets the HTTP charset override a wrong prolog', () => {
		const utf8 = Buffer.from(XML('ISO-8859-1'));
		const result = decodeDocument(new Uint8Array(utf8), { contentType: 'application/rss+xml; charset="UTF-8"' });
		expect(result).toEqual({ text: XML('ISO-8859-1'), encoding: 'utf-8', repaired: false });
	});

	it('lets a latin1 HTTP charset override a UTF-8 prolog', () => {
		const latin1 = iconv.encode(XML('UTF-8'), 'windows-1252');
		const result = decodeDocument(new Uint8Array(latin1), { contentType: 'text/xml;charset=iso-8859-1' });
		expect(result).toEqual({ text: XML('UTF-8'), encoding: 'windows-1252', repaired: false });
	});

	it('falls back to windows-1252 when UTF-8 is declared but the bytes are latin1', () => {
		const latin1 = iconv.encode(XML('UTF-8'), 'windows-1252');
		const result = decodeDocument(new Uint8Array(latin1), { contentType: 'text/xml; charset=utf-8' });
		expect(result).toEqual({ text: XML('UTF-8'), encoding: 'windows-1252', repaired: false, invalidUtf8: true });
	});

	it('reads UTF-8 content declared as US-ASCII as UTF-8', () => {
		const result = decodeDocument(new Uint8Array(Buffer.from(XML('US-ASCII'))));
		expect(result).toEqual({ text: XML('US-ASCII'), encoding: 'utf-8', repaired: false });
	});

	it('reads an HTML meta charset and an http-equiv', () => {
		const page = (meta: string) => `<!DOCTYPE html><html><head>${meta}<title>Novità</title></head><body>«Città»</body></html>`;
		const charset = page('<meta charset="iso-8859-1">');
		expect(decodeDocument(new Uint8Array(iconv.encode(charset, 'latin1'))).text).toBe(charset);
		const equiv = page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">');
		expect(decodeDocument(new Uint8Array(iconv.encode(equiv, 'windows-1252'))).text).toBe(equiv);
	});

	it('uses another declared encoding through iconv-lite', () => {
		const text = '<?xml version="1.0" encoding="ISO-8859-15"?><title>Città più bella: 10 € Šš</title>';
		const result = decodeDocument(new Uint8Array(iconv.encode(text, 'iso-8859-15')));
		expect(result).toEqual({ text, encoding: 'iso-8859-15', repaired: false });
	});

	it('ignores an unknown charset label', () => {
		const result = decodeDocument(new Uint8Array(Buffer.from(ITALIAN)), { contentType: 'text/xml; charset=klingon' });
		expect(result).toEqual({ text: ITALIAN, encoding: 'utf-8', repaired: false });
	});
});

describe('decodeDocument: no declaration', () => {
	it('uses UTF-8 when the bytes are valid UTF-8', () => {
		expect(decodeDocument(new Uint8Array(Buffer.from(ITALIAN)))).toEqual({ text: ITALIAN, encoding: 'utf-8', repaired: false });
	});

	it('falls back to windows-1252 otherwise', () => {
		const result = decodeDocument(new Uint8Array(iconv.encode(ITALIAN, 'windows-1252')));
		expect(result).toEqual({ text: ITALIAN, encoding: 'windows-1252', repaired: false, invalidUtf8: true });
	});

	it('handles an empty body', () => {
		expect(decodeDocument(new Uint8Array(0))).toEqual({ text: '', encoding: 'utf-8', repaired: false });
	});

	it('works on a Uint8Array that is a view into a larger buffer', () => {
		const whole = Buffer.from(`xxxx${ITALIAN}yyyy`);
		const view = new Uint8Array(whole.buffer, whole.byteOffset + 4, whole.length - 8);
		expect(decodeDocument(view).text).toBe(ITALIAN);
	});
});

describe('decodeDocument: double-encoded UTF-8', () => {
	// UTF-8 bytes read as windows-1252 and saved again as UTF-8: what broken CMS exports look like.
	const doubled = (text: string) => Buffer.from(iconv.decode(Buffer.from(text), 'windows-1252'));

	it('repairs a document that was double-encoded', () => {
		const mojibake = doubled(ITALIAN);
		expect(mojibake.toString()).toContain('PerchÃ©');
		const result = decodeDocument(new Uint8Array(mojibake));
		expect(result).toEqual({ text: ITALIAN, encoding: 'utf-8', repaired: true });
	});

	it('repairs UTF-8 bytes declared as ISO-8859-1', () => {
		const result = decodeDocument(new Uint8Array(Buffer.from(XML('ISO-8859-1'))));
		expect(result).toEqual({ text: XML('ISO-8859-1'), encoding: 'windows-1252', repaired: true });
	});

	it('repairs only the damaged items of a mixed document', () => {
		const text = `<item>Perché è così</item><item>${iconv.decode(Buffer.from('Città più bella'), 'windows-1252')}</item>`;
		expect(decodeDocument(new Uint8Array(Buffer.from(text)))).toEqual({
			text: '<item>Perché è così</item><item>Città più bella</item>',
			encoding: 'utf-8',
			repaired: true,
		});
	});

	it.each([
		['Ã¨', 'è'],
		['â€™', '’'],
		['Ã\u00a0', 'à'],
		['Â«cittÃ\u00a0Â»', '«città»'],
		['ÃƒÂ¨', 'è'],
		['Ã\u0081', 'Á'],
		['ðŸ˜€', '😀'],
	])('repairDoubleEncoding(%j) is %j', (input, output) => {
		expect(repairDoubleEncoding(input)).toBe(output);
	});

	it.each([
		'PERCHÈ» e CAFFÈ\u00a0freddo',
		'Ã da sola',
		'São Paulo',
		'âge',
		'Il costo è 5 € – più o meno',
	])('leaves genuine text alone: %j', (input) => {
		expect(repairDoubleEncoding(input)).toBe(input);
		expect(decodeDocument(new Uint8Array(Buffer.from(input))).repaired).toBe(false);
	});
});
