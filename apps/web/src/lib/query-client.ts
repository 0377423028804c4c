import { QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError } from './api-client';
import { meQueryKey } from './auth';

/** 4xx answers will not change on a retry; network errors and 5xx get two more tries. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => {
        // An administrator may require a new password while this session is open: the API then
        // refuses everything with this flag, and re-reading the session user shows the change form.
        if (isApiError(error) && error.status === 403 && error.details?.['mustChangePassword'] === true) {
          void queryClient.invalidateQueries({ queryKey: meQueryKey });
        }
      },
    }),
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 10_000, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
  return queryClient;
}
