// Where the repository and the shared lab material are, seen from the compiled test (dist/test/ovsdb).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** CI checks out ../shared beside the clone; a missing one is a setup error, never a skip. */
export function sharedDir(): string {
  const dir = resolve(repoRoot, '..', 'shared');
  if (!existsSync(resolve(dir, 'schemas'))) {
    throw new Error(`shared material not found at ${dir} (expected ${dir}/schemas beside the repository; check it out there)`);
  }
  return dir;
}
