import { authApi, allows, type Access, type LoginRequest, type SessionUser } from '@moxnas/contracts';
import { queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { call, isApiError, refreshSession, setSessionExpiredHandler } from './api-client';
import { clearSession, getAccessToken, onSessionChange, setAccessToken } from './session';

export const meQueryKey = ['auth', 'me'] as const;

/**
 * The logged-in user, or null. A tab without an access token first tries the refresh cookie, so a
 * new tab of a logged-in browser needs no second login.
 */
export async function fetchMe(): Promise<SessionUser | null> {
  if (!getAccessToken()) {
    const refreshed = await refreshSession();
    return refreshed ? refreshed.user : null;
  }
  try {
    return await call(authApi.me);
  } catch (error) {
    if (isApiError(error) && error.status === 401) return null;
    throw error;
  }
}

export const meQueryOptions = () =>
  queryOptions({ queryKey: meQueryKey, queryFn: fetchMe, staleTime: 5 * 60_000, refetchOnWindowFocus: false });

/** Forget everything a signed-out browser must not keep showing. */
function dropSessionData(queryClient: QueryClient): void {
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== meQueryKey[0] });
  queryClient.setQueryData(meQueryKey, null);
}

export interface AuthState {
  /** null when nobody is logged in (also while loading: check `isLoading`). */
  user: SessionUser | null;
  isLoading: boolean;
  /** Set when the session could not be checked (API down); not set for "not logged in". */
  error: unknown;
  retry: () => void;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const me = useQuery(meQueryOptions());

  useEffect(() => {
    // Session gone for good: the protected routes see user === null and navigate to /login.
    const restore = setSessionExpiredHandler(() => dropSessionData(queryClient));
    const unsubscribe = onSessionChange((token) => {
      if (!token) dropSessionData(queryClient);
    });
    return () => {
      restore();
      unsubscribe();
    };
  }, [queryClient]);

  const value = useMemo<AuthState>(
    () => ({
      user: me.data ?? null,
      isLoading: me.isPending,
      error: me.isError ? me.error : null,
      retry: () => void me.refetch(),
    }),
    [me],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth() needs <AuthProvider>');
  return state;
}

/** The logged-in user, inside routes that the protected-route wrapper guards. */
export function useUser(): SessionUser {
  const { user } = useAuth();
  if (!user) throw new Error('useUser() outside a protected route');
  return user;
}

/** Whether the current user may call an endpoint: `useCan(usersApi.create)` hides the button. */
export function useCan(contract: { access: Access }): boolean {
  const { user } = useAuth();
  return allows(contract.access, user?.role);
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginRequest) => call(authApi.login, { body }),
    onSuccess: (res) => {
      setAccessToken(res.accessToken);
      queryClient.setQueryData(meQueryKey, res.user);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      try {
        await call(authApi.logout);
      } finally {
        // Even when the API cannot be reached, this browser forgets the session.
        clearSession();
        dropSessionData(queryClient);
      }
    },
  });
}
