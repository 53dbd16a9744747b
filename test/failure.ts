import { BanditoreError } from '../core/errors';

/** The BanditoreError a promise rejects with; any other outcome fails the test. */
export async function failureOf(promise: Promise<unknown>): Promise<BanditoreError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof BanditoreError) return error;
		throw error;
	}
	throw new Error('expected a BanditoreError, but the promise resolved');
}
