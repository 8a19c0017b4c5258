// The API's configuration: ApiConfigSchema (packages/contract) parsed once from the environment.
import { ApiConfigSchema, parseEnv, type ApiConfig } from '@shapesweep/contract';

export function loadConfig(env: Record<string, string | undefined>): Readonly<ApiConfig> {
  return parseEnv(ApiConfigSchema, env, 'api');
}

/** ioredis options from a redis:// or rediss:// URL. */
export function redisOptions(url: string): { host: string; port: number; username?: string; password?: string; db?: number; tls?: object } {
  const parsed = new URL(url);
  const dbIndex = parsed.pathname.replace(/^\//, '');
  return {
    host: parsed.hostname || '127.0.0.1',
    port: Number(parsed.port || 6379),
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(dbIndex === '' ? {} : { db: Number(dbIndex) }),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}
