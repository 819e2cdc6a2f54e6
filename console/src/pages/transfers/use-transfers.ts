import { useApiQuery } from '../../api/client';
import type { Page } from '../../api/types';
import type { Transfer } from './types';

export function useTransfers(state: string, extra = '') {
  return useApiQuery<Page<Transfer>>(['transfers', state, extra], `/v1/transfers?state=${state}&limit=200${extra}`);
}
