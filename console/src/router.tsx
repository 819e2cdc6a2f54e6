import { createBrowserRouter } from 'react-router';
import { Shell } from './layout/shell';
import { Guard } from './layout/guard';
import { NotFound } from './layout/results';
import { LoginPage } from './pages/login/login-page';
import { DashboardPage } from './pages/dashboard/dashboard-page';
import { TransfersPage } from './pages/transfers/transfers-page';
import { adminRoutes } from './pages/admin/routes';
import { catalogRoutes } from './pages/catalog/routes';
import { quarantineRoutes } from './pages/quarantine/routes';
import { auditRoutes } from './pages/audit/routes';

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  {
    element: <Shell />,
    children: [
      { path: '/', element: <DashboardPage /> },
      {
        path: '/transfers',
        element: (
          <Guard area="transfers">
            <TransfersPage />
          </Guard>
        ),
      },
      ...catalogRoutes,
      // The catalog, quarantine and audit routes guard themselves (helper console-catalog's pages).
      ...quarantineRoutes,
      ...auditRoutes,
      ...adminRoutes.map((r) => ({ ...r, element: <Guard area="admin">{r.element}</Guard> })),
      { path: '*', element: <NotFound /> },
    ],
  },
]);
