// One time budget for a whole read, download and parsing together: whatever a document holds,
// reading it ends by then with an error that says so.
import { BanditoreError } from './errors';

export function checkDeadline(deadline: number | undefined, url: string): void {
	if (deadline === undefined || Date.now() <= deadline) return;
	throw new BanditoreError(
		'timeout',
		`Reading ${url} did not finish in time: the document is too large or too intricate to read within the timeout.`,
		'Check that the address is the news page or feed; if it is, raise the timeout.',
	);
}
