// Runs workflow JSON through the real n8n engine: n8n-core's WorkflowExecute over an n8n-workflow
// Workflow, with our node types loaded from the built package (dist/) the way n8n loads a
// community package. Polling triggers are driven through a real PollContext, as n8n does when a
// workflow is active, and their static data can be carried over to simulate a restart.
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
	ExecutionLifecycleHooks,
	HookContext,
	PackageDirectoryLoader,
	PollContext,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	createDeferredPromise,
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IHttpRequestOptions,
	type IWebhookResponseData,
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

let loader: Promise<PackageDirectoryLoader> | undefined;
let loaded: Promise<INodeTypes> | undefined;

function packageLoader(): Promise<PackageDirectoryLoader> {
	loader ??= (async () => {
		const instance = new PackageDirectoryLoader(PACKAGE_ROOT);
		await instance.loadAll();
		return instance;
	})();
	return loader;
}

/** Node types of the built package, keyed like an installed community package: n8n-nodes-banditore.<name>. */
export function packageNodeTypes(): Promise<INodeTypes> {
	loaded ??= (async () => {
		const loader = await packageLoader();
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

/** Credential values by type, as n8n would decrypt them; the package's credential types authenticate. */
export type CredentialValues = Record<string, ICredentialDataDecryptedObject>;

class PackageCredentials extends ICredentialsHelper {
	constructor(
		private readonly values: CredentialValues,
		private readonly types: (name: string) => ICredentialType,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	/** The credential type's generic `authenticate`: `{{$credentials.x}}` in headers and query. */
	async authenticate(credentials: ICredentialDataDecryptedObject, typeName: string, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const auth = this.types(typeName).authenticate;
		if (!auth || typeof auth === 'function') return requestOptions;
		const fill = (value: string) => value.replace(/^=/, '').replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, key: string) => String(credentials[key] ?? ''));
		const headers = Object.fromEntries(Object.entries(auth.properties.headers ?? {}).map(([k, v]) => [k, fill(String(v))]));
		return { ...requestOptions, headers: { ...requestOptions.headers, ...headers } };
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by these tests');
	}

	async getDecrypted(_data: IWorkflowExecuteAdditionalData, _node: unknown, type: string): Promise<ICredentialDataDecryptedObject> {
		const value = this.values[type];
		if (!value) throw new Error(`No test credentials of type ${type}`);
		return value;
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string) {
		return this.types(type).properties;
	}
}

export interface RunContext {
	credentials?: CredentialValues;
	/** Where n8n would serve production webhooks, e.g. http://127.0.0.1:5678/webhook/ */
	webhookBaseUrl?: string;
	httpRequest?: IncomingMessage & { body?: unknown };
	httpResponse?: ServerResponse;
}

async function additionalData(hooks: ExecutionLifecycleHooks, context: RunContext = {}): Promise<IWorkflowExecuteAdditionalData> {
	const packaged = await packageLoader();
	const credentialsHelper = new PackageCredentials(context.credentials ?? {}, (name) => packaged.getCredential(name).type);
	return {
		hooks,
		executionId: 'test-execution',
		restartExecutionId: undefined,
		currentNodeExecutionIndex: 0,
		variables: {},
		webhookBaseUrl: context.webhookBaseUrl ?? 'http://127.0.0.1/webhook/',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting/',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test/',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting/',
		instanceBaseUrl: 'http://127.0.0.1/',
		userId: 'test-user',
		credentialsHelper,
		httpRequest: context.httpRequest,
		httpResponse: context.httpResponse,
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
	options: { startNode?: string; input?: INodeExecutionData[]; mode?: WorkflowExecuteMode } & RunContext = {},
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
		version: 1,
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			nodeExecutionStack: [{ node: start, data: { main: [options.input ?? [{ json: {} }]] }, source: null }],
			waitingExecution: {},
			waitingExecutionSource: {},
		},
	} as unknown as IRunExecutionData;
	await new WorkflowExecute(await additionalData(hooks, options), mode, runData).processRunExecutionData(workflow);
	const run = await done.promise;
	return {
		run,
		output: (nodeName, outputIndex = 0) =>
			(run.data.resultData.runData[nodeName]?.[0]?.data?.main?.[outputIndex] ?? []).map((item) => item.json),
		error: (nodeName) => run.data.resultData.runData[nodeName]?.[0]?.error as Error | undefined,
	};
}

/** One poll of a trigger as an active workflow does it; static data stays on `workflow`. */
export async function poll(workflow: Workflow, nodeName: string, mode: WorkflowExecuteMode = 'trigger', context: RunContext = {}): Promise<IDataObject[] | null> {
	const node = workflow.getNode(nodeName)!;
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const hooks = new ExecutionLifecycleHooks(mode, 'poll', {} as never);
	const pollContext = new PollContext(workflow, node, await additionalData(hooks, context), mode, mode === 'manual' ? 'manual' : 'activate');
	const result = await nodeType.poll!.call(pollContext);
	return result ? result[0].map((item) => item.json) : null;
}

/** A webhook lifecycle method (checkExists, create, delete) as n8n calls it on (de)activation. */
export async function webhookHook(
	workflow: Workflow,
	nodeName: string,
	method: 'checkExists' | 'create' | 'delete',
	context: RunContext,
): Promise<boolean> {
	const node = workflow.getNode(nodeName)!;
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const description = nodeType.description.webhooks![0];
	const hooks = new ExecutionLifecycleHooks('trigger', 'hook', {} as never);
	const webhookData = {
		httpMethod: description.httpMethod,
		node: nodeName,
		path: String(node.parameters.path),
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: await additionalData(hooks, context),
	};
	const hookContext = new HookContext(workflow, node, webhookData.workflowExecuteAdditionalData, 'trigger', 'activate', webhookData as never);
	const lifecycle = nodeType.webhookMethods!.default![method] as (this: HookContext) => Promise<boolean>;
	return await lifecycle.call(hookContext);
}

/** A webhook node answering one HTTP request, as n8n's webhook server runs it. */
export async function callWebhook(workflow: Workflow, nodeName: string, context: RunContext): Promise<IWebhookResponseData> {
	const node = workflow.getNode(nodeName)!;
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const description = nodeType.description.webhooks![0];
	const hooks = new ExecutionLifecycleHooks('webhook', 'webhook', {} as never);
	const data = await additionalData(hooks, context);
	const webhookData = { httpMethod: description.httpMethod, node: nodeName, path: String(node.parameters.path), webhookDescription: description, workflowId: workflow.id, workflowExecuteAdditionalData: data };
	const webhookContext = new WebhookContext(workflow, node, data, 'webhook', webhookData as never, [], null as never);
	return await nodeType.webhook!.call(webhookContext);
}
