/** Injection tokens of the users module. */
export const JWT_SECRET = Symbol('JWT_SECRET');
export const ACCOUNT_MANAGER = Symbol('ACCOUNT_MANAGER');
export const CREDENTIAL_FILES = Symbol('CREDENTIAL_FILES');
