import type { RouteObject } from 'react-router';
import { Guard } from '../../layout/guard';
import { QuarantinePage } from './quarantine-page';

export const quarantineRoutes: RouteObject[] = [
  {
    path: '/quarantine',
    element: (
      <Guard area="quarantine">
        <QuarantinePage />
      </Guard>
    ),
  },
];
