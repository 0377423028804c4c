import { ThemeProvider } from '@mui/material/styles';
import type { SessionUser } from '@moxnas/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';
import { createAppTheme } from '../app/theme';
import { AuthProvider, meQueryKey } from '../lib/auth';

export const adminUser: SessionUser = {
  id: '00000000-0000-4000-8000-000000000001',
  username: 'admin',
  fullName: null,
  role: 'admin',
  mustChangePassword: false,
  totpEnabled: false,
  authMethod: 'session',
};

export interface RenderOptions {
  /** Where the memory router starts. */
  path?: string;
  /** Other routes next to the one under test (for example a `/` to land on after login). */
  routes?: RouteObject[];
  /** Logged-in user; undefined leaves the session to AuthProvider (and the fetch mock). */
  user?: SessionUser | null;
}

/** Renders a page with the app's providers: fresh query cache, theme, auth and a memory router. */
export function renderPage(ui: ReactElement, { path = '/', routes = [], user }: RenderOptions = {}): RenderResult & { queryClient: QueryClient } {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  if (user !== undefined) queryClient.setQueryData(meQueryKey, user);
  const router = createMemoryRouter([{ path: path.split('?')[0], element: ui }, ...routes], { initialEntries: [path] });
  const result = render(
    <QueryClientProvider client={queryClient}>
      <ThemeProvider theme={createAppTheme('light')}>
        <AuthProvider>
          <RouterProvider router={router} />
        </AuthProvider>
      </ThemeProvider>
    </QueryClientProvider>,
  );
  return { ...result, queryClient };
}
