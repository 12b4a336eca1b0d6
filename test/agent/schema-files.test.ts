// The checked-in JSON Schemas and example configuration match the TypeBox schemas they are
// generated from (regenerate: node dist/agent/api/write-schema-files.js).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaFiles } from '../../agent/api/schema-files.js';
import { REPO } from './harness.js';

describe('agent: generated schema files', () => {
  for (const [path, content] of schemaFiles()) {
    it(`${path} is up to date`, () => {
      assert.equal(readFileSync(join(REPO, path), 'utf8'), content, `${path} is stale: run node dist/agent/api/write-schema-files.js`);
    });
  }
});
