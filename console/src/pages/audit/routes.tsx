import type { RouteObject } from 'react-router';
import { Guard } from '../../layout/guard';
import { AuditPage } from './audit-page';

export const auditRoutes: RouteObject[] = [
  {
    path: '/audit',
    element: (
      <Guard area="audit">
        <AuditPage />
      </Guard>
    ),
  },
];
