import { Layout, Spin } from 'antd';
import { Navigate, Outlet, useLocation } from 'react-router';
import { useSession } from '../api/session';
import { useLiveEvents } from '../api/live';
import { Header } from './header';
import { SideNav } from './side-nav';

function Live() {
  useLiveEvents(); // one stream for every page: events invalidate the queries they touch
  return null;
}

export function Shell() {
  const { user, loading } = useSession();
  const location = useLocation();
  if (loading) return <Spin fullscreen />;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Live />
      <Header />
      <Layout>
        <Layout.Sider theme="light" width={200} breakpoint="md" collapsedWidth={0}>
          <SideNav />
        </Layout.Sider>
        <Layout.Content style={{ padding: 24 }}>
          <main>
            <Outlet />
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
