import { Menu } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { can, useSession, type Area } from '../api/session';

const ITEMS: { area: Area; to: string }[] = [
  { area: 'dashboard', to: '/' },
  { area: 'transfers', to: '/transfers' },
  { area: 'catalog', to: '/catalog' },
  { area: 'quarantine', to: '/quarantine' },
  { area: 'audit', to: '/audit' },
  { area: 'admin', to: '/admin/users' },
];

export function SideNav() {
  const { t } = useTranslation();
  const { user } = useSession();
  const { pathname } = useLocation();
  const selected = ITEMS.filter((i) =>
    i.to === '/' ? pathname === '/' : pathname.startsWith(i.to.replace(/\/users$/, '')),
  );
  return (
    <nav aria-label="Main">
      <Menu
        mode="inline"
        selectedKeys={selected.map((i) => i.area)}
        items={ITEMS.filter((i) => can(user, i.area)).map((i) => ({
          key: i.area,
          label: <Link to={i.to}>{t(`nav.${i.area}`)}</Link>,
        }))}
      />
    </nav>
  );
}
