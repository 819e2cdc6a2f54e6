import { Button, Layout, Select, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useSession } from '../api/session';

export function Header() {
  const { t, i18n } = useTranslation();
  const { user, logout } = useSession();
  const navigate = useNavigate();
  return (
    <Layout.Header
      style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', background: '#fff' }}
    >
      <Typography.Text strong style={{ fontSize: 18 }}>
        {t('appName')}
      </Typography.Text>
      <Space>
        <Select
          aria-label={t('language')}
          value={i18n.language}
          style={{ width: 120 }}
          onChange={(lng: string) => void i18n.changeLanguage(lng)}
          options={[
            { value: 'en', label: 'English' },
            { value: 'zh-CN', label: '简体中文' },
          ]}
        />
        {user && (
          <span>
            {user.username} <Tag>{t(`roles.${user.role}`)}</Tag>
          </span>
        )}
        <Button onClick={() => void logout().then(() => navigate('/login'))}>{t('logout')}</Button>
      </Space>
    </Layout.Header>
  );
}
