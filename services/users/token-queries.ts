import type { Sql } from '../../lib/db/sql';
import { isoText as iso, keysetPage, sqlParams, type KeysetPageQuery } from '../../lib/keyset-cursor';

interface TokenRow {
  token_id: string;
  name: string;
  user_id: string;
  username: string;
  networks: string | null;
  can_download: boolean;
  can_modify: boolean;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

/** Personal tokens, newest first: one user's, or everyone's (`userId` undefined). Never the token or its digest. */
export async function listTokens(sql: Sql, userId: string | undefined, query: KeysetPageQuery) {
  const params = sqlParams();
  const page = await keysetPage<TokenRow>(
    sql,
    {
      table: '(select t.*, u.username from user_tokens t join users u using (user_id)) tokens',
      columns: `token_id, name, user_id, username, networks, can_download, can_modify, ${iso('created_at')} as created_at,
        ${iso('expires_at')} as expires_at, ${iso('revoked_at')} as revoked_at`,
      idColumn: 'token_id',
      where: userId ? [`user_id = ${params.param(userId)}`] : [],
      params,
    },
    query,
  );
  return {
    items: page.items.map((r) => ({
      id: r.token_id,
      name: r.name,
      userId: r.user_id,
      username: r.username,
      ...(r.networks ? { networks: JSON.parse(r.networks) as string[] } : {}),
      canDownload: r.can_download,
      canModify: r.can_modify,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      revokedAt: r.revoked_at,
    })),
    next: page.next,
  };
}
