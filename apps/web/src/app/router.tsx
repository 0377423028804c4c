import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter } from 'react-router';
import { PageLoader } from '../components/page-loader';
import { PasswordChangeGate } from '../features/auth/password-change-gate';
import { RequireAuth } from './require-auth';
import { RouteError } from './route-error';
import { AppShell } from './shell/app-shell';

// Every page is its own chunk; the first load carries only the shell.
const LoginPage = lazy(() => import('../features/auth/login-page').then((m) => ({ default: m.LoginPage })));
const DashboardPage = lazy(() => import('../features/dashboard/dashboard-page').then((m) => ({ default: m.DashboardPage })));
const StoragePage = lazy(() => import('../features/storage/storage-page').then((m) => ({ default: m.StoragePage })));
const SharesPage = lazy(() => import('../features/shares/shares-page').then((m) => ({ default: m.SharesPage })));
const UsersPage = lazy(() => import('../features/users/users-page').then((m) => ({ default: m.UsersPage })));
const ServicesPage = lazy(() => import('../features/services/services-page').then((m) => ({ default: m.ServicesPage })));
const NetworkPage = lazy(() => import('../features/network/network-page').then((m) => ({ default: m.NetworkPage })));
const SystemPage = lazy(() => import('../features/system/system-page').then((m) => ({ default: m.SystemPage })));
const NotFoundPage = lazy(() => import('../features/not-found/not-found-page').then((m) => ({ default: m.NotFoundPage })));

const standalone = (page: ReactNode) => <Suspense fallback={<PageLoader fullScreen />}>{page}</Suspense>;

export function createAppRouter() {
  return createBrowserRouter([
    { path: '/login', element: standalone(<LoginPage />), errorElement: <RouteError /> },
    {
      path: '/',
      element: (
        <RequireAuth>
          <PasswordChangeGate>
            <AppShell />
          </PasswordChangeGate>
        </RequireAuth>
      ),
      errorElement: <RouteError />,
      children: [
        { errorElement: <RouteError />, children: [
          { index: true, element: <DashboardPage /> },
          { path: 'storage', element: <StoragePage /> },
          { path: 'shares', element: <SharesPage /> },
          { path: 'users', element: <UsersPage /> },
          { path: 'services', element: <ServicesPage /> },
          { path: 'network', element: <NetworkPage /> },
          { path: 'system', element: <SystemPage /> },
          { path: '*', element: <NotFoundPage /> },
        ] },
      ],
    },
  ]);
}
