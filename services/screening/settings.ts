import type { ConfigFile } from '../../schemas/config';
import type { AcceptancePolicies } from './analysis/policy';

type ScreeningFile = NonNullable<ConfigFile['screening']>;

/**
 * What the screening service is configured with: the config file's
 * `screening` section with its defaults applied. The service owns this type;
 * the composition root (hub/config.ts) builds it.
 */
export interface ScreeningSettings extends Omit<ScreeningFile, 'concurrency' | 'engines' | 'policies'> {
  concurrency: number;
  engines: Array<'clamav' | 'yara-x'>;
  /** Whether `engines` came from the config file (then every one is required, in any profile). */
  enginesConfigured: boolean;
  policies: AcceptancePolicies;
  retryUnavailableMs: number;
}
