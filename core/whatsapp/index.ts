// WhatsApp for Banditore: formatting, transports (Cloud API, WAHA, Evolution API, outbox), error
// classification, the broadcast engine and the status webhook helpers.
export * from './limits';
export * from './format';
export * from './errors';
export * from './http';
export * from './webhook';
export * from './transports/cloud';
export * from './transports/gateway';
export * from './transports/waha';
export * from './transports/evolution';
export * from './transports/outbox';
export * from './broadcast';
