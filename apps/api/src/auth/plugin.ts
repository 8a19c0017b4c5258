// Authentication as one onRequest hook: each route declares what it needs in `config.auth`
// ('public' | 'read' | 'write' | 'admin'); mutations are 'write' or 'admin'. The check runs before the body is
// parsed, so an unauthenticated request changes nothing and costs nothing.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ShapesweepError } from '@shapesweep/contract';
import { sendError } from '../http/errors.js';
import { allows, hashToken, secretFromHeader, type Principal, type Scope } from './tokens.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs. @defaultValue 'read' */
    auth?: Scope | 'public';
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The token row fields auth needs. */
export interface TokenRecord {
  id: string;
  scopes: readonly string[];
  revokedAt: Date | null;
}

export interface TokenLookup {
  findByHash(hash: string): Promise<TokenRecord | null>;
  /** Records that a token was used; called at most once a minute per token. */
  touch(id: string, at: Date): Promise<void>;
}

export interface AuthOptions {
  lookup: TokenLookup;
  /** When false, GET routes marked 'read' answer without a token. */
  readsRequireToken: boolean;
  /** How long a verified token is trusted without asking Postgres again. @defaultValue 10_000 */
  cacheTtlMs?: number;
  now?: () => number;
}

/** Cache of verified hashes: the status endpoint can answer 10k req/s only if auth does not hit Postgres each time. */
export class TokenCache {
  private readonly entries = new Map<string, { record: TokenRecord | null; expiresAtMs: number }>();
  private readonly touchedAtMs = new Map<string, number>();

  constructor(private readonly options: AuthOptions) {}

  async verify(secret: string): Promise<TokenRecord | null> {
    const now = (this.options.now ?? Date.now)();
    const hash = hashToken(secret);
    let entry = this.entries.get(hash);
    if (entry === undefined || entry.expiresAtMs <= now) {
      const record = await this.options.lookup.findByHash(hash);
      entry = { record, expiresAtMs: now + (this.options.cacheTtlMs ?? 10_000) };
      // A bounded map: unknown secrets must not grow memory without limit.
      if (this.entries.size >= 10_000) this.entries.clear();
      this.entries.set(hash, entry);
    }
    const record = entry.record;
    if (record === null || record.revokedAt !== null) return null;
    const last = this.touchedAtMs.get(record.id) ?? 0;
    if (now - last > 60_000) {
      this.touchedAtMs.set(record.id, now);
      // Usage bookkeeping must never fail a request.
      this.options.lookup.touch(record.id, new Date(now)).catch(() => undefined);
    }
    return record;
  }

  /** Forget everything (after a revocation, so this process stops accepting the token at once). */
  clear(): void {
    this.entries.clear();
  }
}

export function installAuth(app: FastifyInstance, options: AuthOptions): TokenCache {
  const cache = new TokenCache(options);
  app.decorateRequest('principal', null);
  // The answer is sent from the hook rather than thrown: plugins with their own error handler (the BullMQ
  // dashboard) would otherwise turn a 401/403 into their own 500.
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      await authenticate(request);
    } catch (err) {
      return sendError(request, reply, err);
    }
    return undefined;
  });

  async function authenticate(request: FastifyRequest): Promise<void> {
    const required = request.routeOptions.config.auth ?? 'read';
    if (required === 'public') return;
    const secret = secretFromHeader(request.headers.authorization);
    if (secret === null) {
      if (required === 'read' && !options.readsRequireToken) {
        request.principal = { tokenId: null, scopes: ['read'] };
        return;
      }
      throw new ShapesweepError('UNAUTHORIZED', 'authorization: a bearer token is required (Authorization: Bearer <token>)', {
        details: ['headers.authorization: missing'],
      });
    }
    const record = await cache.verify(secret);
    if (record === null) {
      throw new ShapesweepError('UNAUTHORIZED', 'authorization: the token is unknown or revoked', {
        details: ['headers.authorization: unknown or revoked token'],
      });
    }
    if (!allows(record.scopes, required)) {
      throw new ShapesweepError('FORBIDDEN', `authorization: this route needs the '${required}' scope; the token has [${record.scopes.join(', ')}]`, {
        details: [`headers.authorization: needs scope ${required}`],
      });
    }
    request.principal = { tokenId: record.id, scopes: record.scopes };
  }
  return cache;
}
