import type { ReactNode } from 'react';
import { can, useSession, type Area } from '../api/session';
import { Forbidden } from './results';

/** Shows the page only to roles that may use it; others get the 403 result. */
export function Guard({ area, children }: { area: Area; children: ReactNode }) {
  const { user } = useSession();
  return can(user, area) ? <>{children}</> : <Forbidden />;
}
