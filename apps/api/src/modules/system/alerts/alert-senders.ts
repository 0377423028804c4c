/** Injection tokens of the notification adapters (libs/host), replaced by fakes in unit tests. */
export const WEBHOOK_SENDER = Symbol('WEBHOOK_SENDER');
export const MAIL_SENDER = Symbol('MAIL_SENDER');
