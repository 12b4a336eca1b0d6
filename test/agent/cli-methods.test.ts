// The CLI calls daemon methods by name (agent/cli/methods.ts) so that it does not build their
// TypeBox schemas at start-up; every name must be its spec's, and dry-run replies must be told the
// same way on both sides.
import assert from 'node:assert/strict';
import { CLI_METHODS, isDryRun } from '../../agent/cli/methods.js';
import * as networks from '../../agent/api/networks.js';
import * as integrations from '../../agent/api/integrations.js';
import * as nics from '../../agent/api/nics.js';
import * as core from '../../agent/api/methods.js';

describe('agent: the CLI names the methods it calls as the API does', () => {
  it('every method the CLI calls has the name of the spec it is typed by', () => {
    const specs: Record<string, unknown> = { ...networks, ...integrations, ...nics, ...core };
    for (const [key, ref] of Object.entries(CLI_METHODS)) {
      const spec = specs[key] as { name?: unknown } | undefined;
      assert.ok(spec !== undefined, `agent/api exports no ${key}`);
      assert.equal(ref.name, spec.name, key);
    }
  });

  it('the CLI tells a dry run apart as api/networks.ts does', () => {
    for (const r of [{ dryRun: true, operations: [] }, { dryRun: false }, { name: 'x' }, null, 'dryRun', [true]]) {
      assert.equal(isDryRun(r), networks.isDryRun(r), JSON.stringify(r));
    }
  });
});
