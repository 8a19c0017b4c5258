// `shapesweep token create NAME | list | revoke ID`: API tokens (admin scope; the local admin token by default).
import { API_OPTIONS, JSON_OPTION, apiClient } from '../api-client.js';
import type { ApiToken } from '../api-types.js';
import { EXIT, UsageError, defineCommand } from '../command.js';
import { renderTable } from '../table.js';

const SCOPES = ['read', 'write', 'admin'];
const USAGE = 'token create NAME [--scopes read,write] | token list [--all] | token revoke ID';

export const tokenCommand = defineCommand({
  name: 'token',
  summary: 'Create, list or revoke API tokens (needs an admin token, e.g. the local one)',
  usage: 'create NAME | list | revoke ID [options]',
  description: 'A new token\'s secret is printed once; give it to the client as SHAPESWEEP_TOKEN.',
  options: {
    ...API_OPTIONS,
    ...JSON_OPTION,
    scopes: { type: 'string', valueName: 'LIST', help: `create: comma-separated scopes among ${SCOPES.join(', ')} (default read,write)` },
    all: { type: 'boolean', help: 'list: include revoked tokens' },
  },
  positionals: { min: 1, max: 2 },
  async run({ values, positionals, io }) {
    const [action, arg] = positionals;
    const client = apiClient(values, io);
    const json = (value: unknown): number => {
      io.stdout(`${JSON.stringify(value, null, 2)}\n`);
      return EXIT.ok;
    };
    switch (action) {
      case 'create': {
        if (arg === undefined) throw new UsageError(`create needs a NAME (usage: shapesweep ${USAGE})`);
        const scopes = values.scopes?.split(',').map((s) => s.trim()).filter((s) => s !== '');
        const unknown = scopes?.find((s) => !SCOPES.includes(s));
        if (unknown !== undefined) throw new UsageError(`--scopes: unknown scope ${JSON.stringify(unknown)}; scopes are ${SCOPES.join(', ')}`);
        if (scopes !== undefined && scopes.length === 0) throw new UsageError(`--scopes: give at least one of ${SCOPES.join(', ')}`);
        const created = await client.post<{ token: ApiToken; secret: string }>('/v1/tokens', { name: arg, ...(scopes === undefined ? {} : { scopes }) });
        if (values.json === true) return json(created);
        io.stdout(`token ${created.token.id} "${created.token.name}" (${created.token.scopes.join(', ')})\n${created.secret}\n(the secret is shown only now: export SHAPESWEEP_TOKEN=<secret>)\n`);
        return EXIT.ok;
      }
      case 'list': {
        if (arg !== undefined) throw new UsageError(`list takes no argument, got ${JSON.stringify(arg)} (usage: shapesweep ${USAGE})`);
        const { tokens } = await client.get<{ tokens: ApiToken[] }>('/v1/tokens', { includeRevoked: values.all === true ? 'true' : undefined });
        if (values.json === true) return json(tokens);
        io.stdout(renderTable(tokens, [
          { header: 'id', value: (t) => t.id },
          { header: 'name', value: (t) => t.name },
          { header: 'scopes', value: (t) => t.scopes.join(',') },
          { header: 'created', value: (t) => t.createdAt.slice(0, 19).replace('T', ' ') },
          { header: 'last used', value: (t) => (t.lastUsedAt ?? '-').slice(0, 19).replace('T', ' ') },
          { header: 'revoked', value: (t) => (t.revokedAt ?? '-').slice(0, 19).replace('T', ' ') },
        ]));
        return EXIT.ok;
      }
      case 'revoke': {
        if (arg === undefined) throw new UsageError(`revoke needs a token ID (see shapesweep token list)`);
        const { token } = await client.delete<{ token: ApiToken }>(`/v1/tokens/${encodeURIComponent(arg)}`);
        if (values.json === true) return json(token);
        io.stdout(`token ${token.id} "${token.name}" revoked\n`);
        return EXIT.ok;
      }
      default:
        throw new UsageError(`unknown action ${JSON.stringify(action)} (usage: shapesweep ${USAGE})`);
    }
  },
});
