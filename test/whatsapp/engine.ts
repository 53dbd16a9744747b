// The shared engine harness (test/engine/harness.ts) runs without credentials; the WhatsApp node needs
// them, so this runs a workflow the same way with a credentials helper that hands out fixed values.
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { createDeferredPromise, type IDataObject, type INodeExecutionData, type IRun, type IRunExecutionData, type IWorkflowExecuteAdditionalData, type Workflow } from 'n8n-workflow';

export async function runWithCredentials(workflow: Workflow, credentials: Record<string, IDataObject>, input: INodeExecutionData[] = [{ json: {} }]) {
	const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', { id: workflow.id, name: workflow.name, nodes: Object.values(workflow.nodes), connections: workflow.connectionsBySourceNode } as never);
	const done = createDeferredPromise<IRun>();
	hooks.addHandler('workflowExecuteAfter', (run) => done.resolve(run));
	const additionalData = {
		hooks,
		executionId: 'test-execution',
		currentNodeExecutionIndex: 0,
		variables: {},
		webhookBaseUrl: 'http://127.0.0.1/webhook/',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting/',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test/',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting/',
		instanceBaseUrl: 'http://127.0.0.1/',
		userId: 'test-user',
		credentialsHelper: {
			getDecrypted: async (_data: unknown, _node: unknown, type: string) => {
				if (!credentials[type]) throw new Error(`no credential ${type}`);
				return credentials[type];
			},
			getCredentialsProperties: () => [],
			authenticate: async (_c: unknown, _t: string, options: unknown) => options,
			preAuthentication: async () => undefined,
		},
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
	const start = workflow.getStartNode()!;
	const runData = {
		startData: {},
		resultData: { runData: {} },
		executionData: { contextData: {}, metadata: {}, nodeExecutionStack: [{ node: start, data: { main: [input] }, source: null }], waitingExecution: {}, waitingExecutionSource: {} },
	} as unknown as IRunExecutionData;
	await new WorkflowExecute(additionalData, 'manual', runData).processRunExecutionData(workflow);
	const run = await done.promise;
	const name = start.name;
	return {
		run,
		output: () => (run.data.resultData.runData[name]?.[0]?.data?.main?.[0] ?? []).map((item) => item.json),
		error: () => run.data.resultData.runData[name]?.[0]?.error as (Error & { description?: string; httpCode?: string }) | undefined,
	};
}
