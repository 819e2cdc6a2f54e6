import type { RouteObject } from 'react-router';
import { AssetPage } from './asset-page';
import { CatalogPage } from './catalog-page';

export const catalogRoutes: RouteObject[] = [
  { path: '/catalog', element: <CatalogPage /> },
  { path: '/catalog/assets/:id', element: <AssetPage /> },
];
