// Fixtures stay in the source tree; tests run from dist/test/domxml, three levels below the repo.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('../../../test/domxml/', import.meta.url));

export function readFixture(name: string): string {
  return readFileSync(`${here}fixtures/${name}`, 'utf8');
}

/** The single link entry of a recorded `ip -d -j link show DEV` file. */
export function recordedLink(name: string): unknown {
  const parsed: unknown = JSON.parse(readFileSync(`${here}recorded/${name}.json`, 'utf8'));
  if (!Array.isArray(parsed) || parsed.length !== 1) throw new Error(`${name}.json: expected a one-element array`);
  return parsed[0] as unknown;
}
