// The learned classifier of news items (issue #13): a concern score (electoral, political or
// commercial rather than institutional) and a category, from a small linear model over the item's
// words. See README.md for how the shipped model was trained and how to retrain it.
import shipped from './model.json';
import { modelFromJson, type Model } from './model';

export { itemFeatures, type ClassifierInput } from './features';
export {
	classify,
	CONCERN_KINDS,
	CONCERN_THRESHOLD,
	DEFAULT_TRAIN_OPTIONS,
	isConcern,
	MODEL_FORMAT,
	modelFromJson,
	serializeModel,
	train,
	type Classification,
	type ConcernKind,
	type ItemKind,
	type Model,
	type TrainEntry,
	type TrainOptions,
} from './model';
export { measure, REPORT_THRESHOLDS, thresholdFor, type ClassifierFigures, type Count, type ThresholdFigures } from './measure';

let model: Model | undefined;

/** The model shipped with the package, trained on the whole development set; checked once. */
export function shippedModel(): Model {
	model ??= modelFromJson(shipped as unknown);
	return model;
}
