// Rewrites the generated schema files (see schema-files.ts). Run from the repository root:
// node dist/agent/api/write-schema-files.js
import { writeFileSync } from 'node:fs';
import { schemaFiles } from './schema-files.js';

for (const [path, content] of schemaFiles()) {
  writeFileSync(path, content);
  process.stdout.write(`wrote ${path}\n`);
}
