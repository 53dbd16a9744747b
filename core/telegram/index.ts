// Telegram for Banditore: the WhatsApp text as Telegram HTML, the Bot API client, its errors.
export * from './format';
export * from './post';
export * from './errors';
export * from './client';
export * from './publish';
