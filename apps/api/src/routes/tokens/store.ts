// api_token access: create, list, revoke, and the lookup auth runs on every authenticated request.
import type { TokenView } from '@shapesweep/contract';
import type { Database } from '@shapesweep/db';
import type { TokenLookup, TokenRecord } from '../../auth/plugin.js';
import { hashToken, newTokenId, newTokenSecret } from '../../auth/tokens.js';

type TokenRow = { id: string; name: string; scopes: string[]; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };

function view(row: TokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export function tokenLookup(db: Database): TokenLookup {
  return {
    async findByHash(hash: string): Promise<TokenRecord | null> {
      const row = await db.prisma.apiToken.findUnique({ where: { hash }, select: { id: true, scopes: true, revokedAt: true } });
      return row;
    },
    async touch(id: string, at: Date): Promise<void> {
      await db.prisma.apiToken.update({ where: { id }, data: { lastUsedAt: at } });
    },
  };
}

/** Creates a token and returns its secret, which is never stored and cannot be shown again. */
export async function createToken(db: Database, name: string, scopes: readonly string[]): Promise<{ token: TokenView; secret: string }> {
  const secret = newTokenSecret();
  const row = await db.prisma.apiToken.create({ data: { id: newTokenId(), name, hash: hashToken(secret), scopes: [...scopes] } });
  return { token: view(row), secret };
}

/** Registers a known secret (the local admin token file) if its hash is not stored yet. */
export async function registerSecret(db: Database, secret: string, name: string, scopes: readonly string[]): Promise<TokenRecord> {
  const hash = hashToken(secret);
  const existing = await db.prisma.apiToken.findUnique({ where: { hash }, select: { id: true, scopes: true, revokedAt: true } });
  if (existing !== null) return existing;
  return db.prisma.apiToken.create({ data: { id: newTokenId(), name, hash, scopes: [...scopes] }, select: { id: true, scopes: true, revokedAt: true } });
}

export async function listTokens(db: Database, includeRevoked: boolean): Promise<TokenView[]> {
  const rows = await db.prisma.apiToken.findMany({
    where: includeRevoked ? {} : { revokedAt: null },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map(view);
}

/** Revokes a token; revoking twice keeps the first time. Null when no token has that id. */
export async function revokeToken(db: Database, id: string, at: Date): Promise<TokenView | null> {
  const row = await db.prisma.apiToken.findUnique({ where: { id } });
  if (row === null) return null;
  if (row.revokedAt !== null) return view(row);
  return view(await db.prisma.apiToken.update({ where: { id }, data: { revokedAt: at } }));
}
