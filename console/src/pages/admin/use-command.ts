import { App } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client';

/** Runs one /v1 command, says how it went, and refreshes the query keys it touches. */
export function useCommand() {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const qc = useQueryClient();
  return async function run<T>(method: string, path: string, body: unknown, keys: string[]): Promise<T | undefined> {
    try {
      const out = await api<T>(method, path, body);
      void message.success(t('done'));
      return out;
    } catch (e) {
      void message.error(e instanceof ApiError ? e.message : String(e));
      return undefined;
    } finally {
      for (const k of keys) void qc.invalidateQueries({ queryKey: [k] });
    }
  };
}
