import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

export function Forbidden() {
  const { t } = useTranslation();
  return (
    <Result
      status="403"
      title={<h1>{t('notAllowed')}</h1>}
      subTitle={t('notAllowedSub')}
      extra={
        <Link to="/">
          <Button>{t('home')}</Button>
        </Link>
      }
    />
  );
}

export function NotFound() {
  const { t } = useTranslation();
  return (
    <Result
      status="404"
      title={<h1>{t('notFound')}</h1>}
      subTitle={t('notFoundSub')}
      extra={
        <Link to="/">
          <Button>{t('home')}</Button>
        </Link>
      }
    />
  );
}
