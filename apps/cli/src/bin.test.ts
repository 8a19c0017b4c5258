// Runs the built binary as users do (needs `npm run build` first, as every test that imports a workspace package).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/shapesweep.js', import.meta.url));

function shapesweep(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
}

describe('the shapesweep binary', () => {
  it('prints shapes as JSON and exits 0', () => {
    const result = shapesweep(['shapes', '--json', 'tiny', 'base', 'small-nl16']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect((JSON.parse(result.stdout) as Array<{ name: string }>).map((r) => r.name)).toEqual(['tiny', 'base', 'small-nl16']);
  });

  it('exits 2 with one line on stderr for an unknown name', () => {
    const result = shapesweep(['shapes', 'huge']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^shapesweep shapes: bad shape name "huge": unknown size "huge"; sizes are .+\n$/);
  });
});
