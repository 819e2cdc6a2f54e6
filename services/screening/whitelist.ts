import { extname } from 'node:path';
import type { StageVerdict } from '../../domain/asset/decide';

/**
 * Whitelist authentication: may this file, from this source, come in at all?
 * Plain data from configuration; see `WhitelistConfig` in schemas/config.ts.
 */
export interface WhitelistRules {
  /** Source network -> targets it may send to. A source not listed may send to every other network. */
  routes?: Record<string, string[]>;
  /** Network -> actors allowed to detect files for it. @default only `connector:<network>` */
  connectors?: Record<string, string[]>;
  /** Target -> accepted file extensions (lower case, no dot). A target not listed accepts any. */
  types?: Record<string, string[]>;
  /** SHA-256 digests refused wherever they come from (known bad). */
  denyHashes?: string[];
  /** When non-empty, only files with these digests are accepted (closed networks that exchange known material). */
  allowHashes?: string[];
}

export interface WhitelistSubject {
  sourceNetwork: string;
  targets: string[];
  /** The actor that detected the file. */
  detectedBy: string;
  originalName: string;
  sha256: string;
}

/** The shipped types per target: broadcast takes playout formats, archive anything screened. */
export const defaultTypes: Record<string, string[]> = {
  broadcast: ['mxf', 'mp4', 'mov', 'wav', 'png', 'jpg', 'jpeg'],
  news: ['mxf', 'mp4', 'mov', 'wav', 'png', 'jpg', 'jpeg'],
};

const refuse = (rule: string, reason: string): StageVerdict => ({ passed: false, rule, reason });

/** Pure: the first rule the subject breaks, in the order route, connector, type, hash. */
export function checkWhitelist(rules: WhitelistRules, s: WhitelistSubject): StageVerdict {
  const route = rules.routes?.[s.sourceNetwork];
  for (const target of s.targets) {
    if (target === s.sourceNetwork) {
      return refuse('whitelist.route', `network '${s.sourceNetwork}' cannot send to itself`);
    }
    if (route && !route.includes(target)) {
      return refuse(
        'whitelist.route',
        `network '${s.sourceNetwork}' may not send to '${target}'; it may send to: ${route.join(', ') || 'nobody'}`,
      );
    }
  }
  const connectors = rules.connectors?.[s.sourceNetwork] ?? [`connector:${s.sourceNetwork}`];
  if (!connectors.includes(s.detectedBy)) {
    return refuse(
      'whitelist.connector',
      `'${s.detectedBy}' is not bound to network '${s.sourceNetwork}' (bound: ${connectors.join(', ')})`,
    );
  }
  const extension = extname(s.originalName).slice(1).toLowerCase();
  const types = { ...defaultTypes, ...rules.types };
  // A pool asset (no targets) stays on its source node: that node's types apply.
  for (const target of s.targets.length > 0 ? s.targets : [s.sourceNetwork]) {
    const accepted = types[target];
    if (accepted && !accepted.includes(extension)) {
      return refuse(
        'whitelist.type',
        `target '${target}' does not accept ${extension ? `.${extension}` : 'files without an extension'} files; accepted: ${accepted.map((t) => `.${t}`).join(', ')}`,
      );
    }
  }
  if (rules.denyHashes?.includes(s.sha256)) {
    return refuse('whitelist.hash-denied', 'the SHA-256 of the file is on the deny list');
  }
  if (rules.allowHashes && rules.allowHashes.length > 0 && !rules.allowHashes.includes(s.sha256)) {
    return refuse('whitelist.hash-not-allowed', 'the SHA-256 of the file is not on the allow list');
  }
  return { passed: true };
}
