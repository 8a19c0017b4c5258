// Bearer tokens: what a secret looks like, how it is hashed, and which scope allows what.
// Secrets are 32 random bytes (256 bits); only their sha256 is stored, so a fast unsalted hash is enough: nobody
// can brute-force a 256-bit preimage, and a constant-cost lookup by hash keeps auth off the hot path.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

export const TOKEN_PREFIX = 'ssw_';

/** admin ⊇ write ⊇ read. `admin` manages tokens and opens the queue dashboard. */
export const ScopeSchema = z.enum(['read', 'write', 'admin']);
export type Scope = z.infer<typeof ScopeSchema>;

const RANK: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

/** Whether a token with `granted` scopes may do what `required` needs. */
export function allows(granted: readonly string[], required: Scope): boolean {
  return granted.some((s) => s in RANK && RANK[s as Scope] >= RANK[required]);
}

export function newTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function newTokenId(): string {
  return `tok_${randomBytes(8).toString('hex')}`;
}

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Who made a request: the token's id and scopes, or `anonymous` where reads need no token. */
export interface Principal {
  tokenId: string | null;
  scopes: readonly string[];
}

/** Extracts the secret from `Authorization: Bearer <secret>` or, for browsers, `Basic base64(any:<secret>)`. */
export function secretFromHeader(header: string | undefined): string | null {
  if (header === undefined) return null;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (value === undefined || value === '') return null;
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : null;
  }
  return null;
}
