// The scheduler's API client (client.ts), its errors, and a fetch transport for use outside n8n.
export * from './client';
export { SchedulerApiError, SchedulerUnreachableError } from './errors';
export { fetchTransport, type FetchTransportOptions } from './fetch';
