import type { RouteObject } from 'react-router';
import { AdminFrame } from './admin-frame';
import { UsersPage } from './users-page';
import { TokensPage } from './tokens-page';
import { SubscriptionsPage } from './subscriptions-page';
import { NodesPage } from './nodes-page';
import { ConfigPage } from './config-page';

export const adminRoutes: RouteObject[] = [
  {
    path: '/admin',
    element: (
      <AdminFrame tab="users">
        <UsersPage />
      </AdminFrame>
    ),
  },
  {
    path: '/admin/users',
    element: (
      <AdminFrame tab="users">
        <UsersPage />
      </AdminFrame>
    ),
  },
  {
    path: '/admin/tokens',
    element: (
      <AdminFrame tab="tokens">
        <TokensPage />
      </AdminFrame>
    ),
  },
  {
    path: '/admin/subscriptions',
    element: (
      <AdminFrame tab="subscriptions">
        <SubscriptionsPage />
      </AdminFrame>
    ),
  },
  {
    path: '/admin/nodes',
    element: (
      <AdminFrame tab="nodes">
        <NodesPage />
      </AdminFrame>
    ),
  },
  {
    path: '/admin/config',
    element: (
      <AdminFrame tab="config">
        <ConfigPage />
      </AdminFrame>
    ),
  },
];
