// JSON lines as the CLI reads them (news items, labelled sets): every bad line named by its number.

/** What a line holds: the value, or why it is not one (said after "line N: "). */
export type LineCheck<T> = { value: T } | { problem: string };

export function readJsonLines<T>(text: string, check: (value: unknown, line: number) => LineCheck<T>): { values: T[]; problems: string[] } {
	const values: T[] = [];
	const problems: string[] = [];
	text.split(/\r?\n/).forEach((line, index) => {
		if (!line.trim()) return;
		const where = `line ${index + 1}`;
		let value: unknown;
		try {
			value = JSON.parse(line);
		} catch (error) {
			problems.push(`${where}: not valid JSON (${(error as Error).message}).`);
			return;
		}
		const checked = check(value, index + 1);
		if ('problem' in checked) problems.push(`${where}: ${checked.problem}`);
		else values.push(checked.value);
	});
	return { values, problems };
}
