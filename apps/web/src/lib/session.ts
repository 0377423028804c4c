/**
 * The access token. It lives in memory and is mirrored to sessionStorage so a reload of the tab keeps
 * the session without spending the refresh cookie; a new tab starts without it and trades the
 * refresh cookie for a token instead. localStorage is avoided on purpose: it outlives the browser
 * session and is shared by every tab.
 */
const STORAGE_KEY = 'moxnas.accessToken';

type Listener = (token: string | null) => void;

function readStored(): string | null {
  try {
    return globalThis.sessionStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    // Storage can be disabled (privacy modes); the in-memory copy still works.
    return null;
  }
}

let accessToken: string | null = readStored();
const listeners = new Set<Listener>();

export function getAccessToken(): string | null {
  return accessToken;
}

export function setAccessToken(token: string | null): void {
  if (token === accessToken) return;
  accessToken = token;
  try {
    if (token) globalThis.sessionStorage?.setItem(STORAGE_KEY, token);
    else globalThis.sessionStorage?.removeItem(STORAGE_KEY);
  } catch {
    /* see readStored */
  }
  for (const listener of listeners) listener(token);
}

export function clearSession(): void {
  setAccessToken(null);
}

/** Called whenever the token changes (login, refresh, logout, expiry). Returns the unsubscribe. */
export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
