import type { Actor } from '../http/actor';

/**
 * Turns a bearer credential (access JWT or API token) into the caller, or null when it is not
 * valid. The users module provides it; the events WebSocket and the HTTP guard both use it.
 */
export interface SessionVerifier {
  verify(token: string): Promise<Actor | null>;
}

export const SESSION_VERIFIER = Symbol('SESSION_VERIFIER');
