import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureAdminToken } from './admin-token.js';
import { TokenCache, type TokenRecord } from './plugin.js';
import { allows, hashToken, newTokenSecret, secretFromHeader } from './tokens.js';

describe('scopes', () => {
  it('lets admin do everything, write read and write, read only read', () => {
    expect(allows(['admin'], 'admin')).toBe(true);
    expect(allows(['admin'], 'read')).toBe(true);
    expect(allows(['write'], 'read')).toBe(true);
    expect(allows(['write'], 'admin')).toBe(false);
    expect(allows(['read'], 'write')).toBe(false);
    expect(allows(['bogus'], 'read')).toBe(false);
  });
});

describe('secretFromHeader', () => {
  it('reads Bearer and Basic (password) credentials and nothing else', () => {
    expect(secretFromHeader('Bearer ssw_abc')).toBe('ssw_abc');
    expect(secretFromHeader(`Basic ${Buffer.from('admin:ssw_abc').toString('base64')}`)).toBe('ssw_abc');
    expect(secretFromHeader('Token ssw_abc')).toBeNull();
    expect(secretFromHeader('Bearer')).toBeNull();
    expect(secretFromHeader(undefined)).toBeNull();
  });
});

describe('TokenCache', () => {
  it('asks the store once per TTL and refuses revoked tokens', async () => {
    let now = 0;
    let lookups = 0;
    const secret = newTokenSecret();
    let record: TokenRecord = { id: 't1', scopes: ['read'], revokedAt: null };
    const cache = new TokenCache({
      lookup: { findByHash: async (hash) => (lookups++, hash === hashToken(secret) ? record : null), touch: async () => undefined },
      readsRequireToken: true,
      cacheTtlMs: 1000,
      now: () => now,
    });
    expect(await cache.verify(secret)).toEqual(record);
    expect(await cache.verify(secret)).toEqual(record);
    expect(lookups).toBe(1);
    record = { ...record, revokedAt: new Date(0) };
    now = 2000;
    expect(await cache.verify(secret)).toBeNull();
  });
});

describe('ensureAdminToken', () => {
  it('writes a new token with mode 0600 and reuses it on the next start', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'shapesweep-admin-'));
    const file = path.join(dir, 'nested', 'token');
    const stored = new Map<string, TokenRecord>();
    const register = async (secret: string): Promise<TokenRecord> => {
      const hash = hashToken(secret);
      const record = stored.get(hash) ?? { id: `tok_${stored.size}`, scopes: ['admin'], revokedAt: null };
      stored.set(hash, record);
      return record;
    };
    const first = await ensureAdminToken(file, register);
    expect(first.created).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const secret = (await readFile(file, 'utf8')).trim();
    expect(stored.has(hashToken(secret))).toBe(true);
    const second = await ensureAdminToken(file, register);
    expect(second).toMatchObject({ created: false, tokenId: first.tokenId });
    expect((await readFile(file, 'utf8')).trim()).toBe(secret);
  });

  it('replaces a token that was revoked or a file that holds no token', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'shapesweep-admin-'));
    const file = path.join(dir, 'token');
    await writeFile(file, 'garbage');
    const register = async (): Promise<TokenRecord> => ({ id: 'tok_x', scopes: ['admin'], revokedAt: null });
    expect((await ensureAdminToken(file, register)).created).toBe(true);
    expect((await readFile(file, 'utf8')).trim()).toMatch(/^ssw_/);
    const revoked = async (): Promise<TokenRecord> => ({ id: 'tok_x', scopes: ['admin'], revokedAt: new Date(0) });
    const before = await readFile(file, 'utf8');
    expect((await ensureAdminToken(file, revoked)).created).toBe(true);
    expect(await readFile(file, 'utf8')).not.toBe(before);
  });
});
