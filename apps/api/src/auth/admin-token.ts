// The local admin token: created on first start, written to ADMIN_TOKEN_FILE with mode 0600 (the CLI reads it from
// there), registered in api_token by hash. Later starts reuse the file; a token revoked since is replaced.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { newTokenSecret, TOKEN_PREFIX } from './tokens.js';
import type { TokenRecord } from './plugin.js';

export function expandHome(file: string): string {
  return file === '~' || file.startsWith('~/') ? path.join(os.homedir(), file.slice(1)) : file;
}

async function readSecret(file: string): Promise<string | null> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text.startsWith(TOKEN_PREFIX) ? text : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Writes atomically (temp file + rename), so a crash never leaves a half-written token the CLI would send. */
async function writeSecret(file: string, secret: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${secret}\n`, { mode: 0o600 });
  // The umask may have narrowed the mode further but never widened it; chmod pins exactly 0600.
  await chmod(temp, 0o600);
  await rename(temp, file);
}

/**
 * Makes sure the admin token in `file` exists and is valid in the database. `register` stores a secret's hash
 * (a no-op when already stored) and returns its row.
 * @returns the token id and whether a new secret was written.
 */
export async function ensureAdminToken(
  file: string,
  register: (secret: string) => Promise<TokenRecord>,
): Promise<{ tokenId: string; created: boolean; file: string }> {
  const resolved = expandHome(file);
  const existing = await readSecret(resolved);
  if (existing !== null) {
    const record = await register(existing);
    if (record.revokedAt === null) return { tokenId: record.id, created: false, file: resolved };
  }
  const secret = newTokenSecret();
  const record = await register(secret);
  await writeSecret(resolved, secret);
  return { tokenId: record.id, created: true, file: resolved };
}
