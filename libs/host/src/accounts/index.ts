export * from './account-files';
export * from './account-manager';
export * from './account-parsers';
export * from './credential-files';
export * from './linux-account-manager';
export * from './nt-hash';
export * from './sha512-crypt';
