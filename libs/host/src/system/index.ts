export * from './proc-parsers';
export * from './etc-network-files';
export * from './system-reader';
export * from './nfs-server-probe';
export * from './certificates';
export * from './notify/webhook-sender';
export * from './notify/mail-sender';
