// Runs workflow JSON through the real n8n engine: n8n-core's WorkflowExecute over an n8n-workflow
// Workflow, with our node types loaded from the built package (dist/) the way n8n loads a
// community package. Polling triggers are driven through a real PollContext, as n8n does when a
// workflow is active, and their static data can be carried over to simulate a restart.
import { join } from 'node:path';
import {
	ExecutionLifecycleHooks,
	PackageDirectoryLoader,
	PollContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	createDeferredPromise,
	NodeHelpers,
	Workflow,
	type IConnections,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IRunExecutionData,
	type IVersionedNodeType,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

export const PACKAGE_ROOT = join(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-banditore';

let loaded: Promise<INodeTypes> | undefined;

/** Node types of the built package, keyed like an installed community package: n8n-nodes-banditore.<name>. */
export function packageNodeTypes(): Promise<INodeTypes> {
	loaded ??= (async () => {
		const loader = new PackageDirectoryLoader(PACKAGE_ROOT);
		await loader.loadAll();
		const byType = (type: string): INodeType | IVersionedNodeType => {
			const name = type.startsWith(`${PACKAGE_NAME}.`) ? type.slice(PACKAGE_NAME.length + 1) : type;
			return loader.getNode(name).type;
		};
		return {
			getByName: byType,
			getByNameAndVersion: (type, version) => NodeHelpers.getVersionedNodeType(byType(type), version),
			getKnownTypes: () => ({}),
		};
	})();
	return loaded;
}

export interface WorkflowJson {
	nodes: INode[];
	connections: IConnections;
	staticData?: IDataObject;
}

export async function makeWorkflow(json: WorkflowJson): Promise<Workflow> {
	return new Workflow({
		id: 'test-workflow',
		name: 'test',
		nodes: json.nodes,
		connections: json.connections,
		active: false,
		nodeTypes: await packageNodeTypes(),
		staticData: json.staticData ? structuredClone(json.staticData) : undefined,
		settings: { timezone: 'Europe/Rome', executionOrder: 'v1' },
	});
}

function additionalData(hooks: ExecutionLifecycleHooks): IWorkflowExecuteAdditionalData {
	return {
		hooks,
		executionId: 'test-execution',
		restartExecutionId: undefined,
		currentNodeExecutionIndex: 0,
		variables: {},
		webhookBaseUrl: 'http://127.0.0.1/webhook/',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting/',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test/',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting/',
		instanceBaseUrl: 'http://127.0.0.1/',
		userId: 'test-user',
		credentialsHelper: undefined,
		executeWorkflow: async () => {
			throw new Error('sub-workflows are not used in these tests');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => undefined,
		startRunnerTask: async () => {
			throw new Error('task runners are not used in these tests');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface RunResult {
	run: IRun;
	/** Output items of a node's first run, per output index. */
	output(nodeName: string, outputIndex?: number): IDataObject[];
	error(nodeName: string): Error | undefined;
}

/**
 * Execute a workflow starting at `startNode` (default: the first node), given `input` as its
 * incoming items, in `mode` ('manual' as in the editor, 'trigger' as after a poll).
 */
export async function runWorkflow(
	workflow: Workflow,
	options: { startNode?: string; input?: INodeExecutionData[]; mode?: WorkflowExecuteMode } = {},
): Promise<RunResult> {
	const mode = options.mode ?? 'manual';
	const start = options.startNode ? workflow.getNode(options.startNode) : workflow.getStartNode();
	if (!start) throw new Error(`No start node ${options.startNode ?? ''}`);
	const hooks = new ExecutionLifecycleHooks(mode, 'test-execution', {
		id: workflow.id,
		name: workflow.name,
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: Object.values(workflow.nodes),
		connections: workflow.connectionsBySourceNode,
		activeVersionId: null,
	} as never);
	const done = createDeferredPromise<IRun>();
	hooks.addHandler('workflowExecuteAfter', (run) => done.resolve(run));
	const runData: IRunExecutionData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			nodeExecutionStack: [{ node: start, data: { main: [options.input ?? [{ json: {} }]] }, source: null }],
			waitingExecution: {},
			waitingExecutionSource: {},
		},
	} as IRunExecutionData;
	await new WorkflowExecute(additionalData(hooks), mode, runData).processRunExecutionData(workflow);
	const run = await done.promise;
	return {
		run,
		output: (nodeName, outputIndex = 0) =>
			(run.data.resultData.runData[nodeName]?.[0]?.data?.main?.[outputIndex] ?? []).map((item) => item.json),
		error: (nodeName) => run.data.resultData.runData[nodeName]?.[0]?.error as Error | undefined,
	};
}

/** One poll of a trigger as an active workflow does it; static data stays on `workflow`. */
export async function poll(workflow: Workflow, nodeName: string, mode: WorkflowExecuteMode = 'trigger'): Promise<IDataObject[] | null> {
	const node = workflow.getNode(nodeName)!;
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const hooks = new ExecutionLifecycleHooks(mode, 'poll', {} as never);
	const context = new PollContext(workflow, node, additionalData(hooks), mode, mode === 'manual' ? 'manual' : 'activate');
	const result = await nodeType.poll!.call(context);
	return result ? result[0].map((item) => item.json) : null;
}
