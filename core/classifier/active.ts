// The model in force in this process: the one shipped with the package, or the one a comune trained
// on its own news (`banditore policy train` writes data/classifier.json; the scheduler and the CLI
// read it at start). Rules compiled from then on use it.
import { readFileSync } from 'node:fs';
import { BanditoreError } from '../errors';
import { shippedModel } from './index';
import { modelFromJson, type Model } from './model';

export const INSTALLED_CLASSIFIER = 'data/classifier.json';

let installed: Model | null = null;

export function activeModel(): Model {
	return installed ?? shippedModel();
}

/** Uses the model at `path` when it exists; a broken file stops the start with a sentence. */
export function useInstalledModel(path: string): boolean {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
		throw new BanditoreError('classifier_unreadable', `cannot read the classifier model ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, 'Check the file, or remove it to use the model shipped with Banditore.');
	}
	try {
		installed = modelFromJson(JSON.parse(text));
	} catch (error) {
		throw new BanditoreError('classifier_invalid', `the classifier model ${path} is not valid: ${(error as Error).message}.`, 'Train it again with "banditore policy train", or remove it to use the model shipped with Banditore.');
	}
	return true;
}

/** Uses `model` from now on (null: the shipped one again): a model trained in the same process. */
export function useModel(model: Model | null): void {
	installed = model;
}
