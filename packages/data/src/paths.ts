// The data packages have no `exports` map and ship plain files, so we resolve their folder from package.json
// (DATA.md) instead of importing them.
import { createRequire } from 'node:module';
import path from 'node:path';
import { ShapesweepError } from '@shapesweep/contract';

const require = createRequire(import.meta.url);

/** Absolute folder of an installed package; a clear DATA_INVALID error naming the package when it is missing. */
export function packageDir(pkg: string, installHint?: string): string {
  try {
    return path.dirname(require.resolve(`${pkg}/package.json`));
  } catch (err) {
    const hint = installHint ?? `npm install ${pkg} -w @shapesweep/data`;
    throw new ShapesweepError('DATA_INVALID', `the data package "${pkg}" is not installed; install it with: ${hint}`, { cause: err });
  }
}
