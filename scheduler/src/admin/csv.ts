// CSV for Excel in Italy: UTF-8 with a BOM, ";" between fields (Italian Excel's list separator),
// quotes doubled, CRLF, and no cell that Excel would run as a formula.
const FORMULA = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
	let text = value === null || value === undefined ? '' : String(value);
	if (FORMULA.test(text)) text = `'${text}`;
	return /[";\r\n,]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: Array<Array<string | number | null | undefined>>): string {
	return `\uFEFF${rows.map((row) => row.map(csvCell).join(';')).join('\r\n')}\r\n`;
}
