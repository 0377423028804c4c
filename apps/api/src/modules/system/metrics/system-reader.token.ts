/** Injection token of the SystemReader (libs/host): /proc, /sys and /etc figures of the host. */
export const SYSTEM_READER = Symbol('SYSTEM_READER');
