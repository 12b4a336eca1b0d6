// The checked-in files generated from the TypeBox schemas: JSON Schemas for controllers and
// editors, and the annotated example configuration. `node dist/agent/api/write-schema-files.js`
// rewrites them; test/agent/schema-files.test.ts fails when one is stale.
import { stringify as yamlScalar } from 'yaml';
import type { TSchema } from '@sinclair/typebox';
import { ReportSchema, ReportV1Schema, ReportV2Schema } from './report.js';
import { ConfigSchema } from '../config/schema.js';

const DRAFT = 'http://json-schema.org/draft-07/schema#';

function jsonSchema(schema: TSchema): string {
  return `${JSON.stringify({ $schema: DRAFT, ...schema }, null, 2)}\n`;
}

interface Node {
  type?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, Node>;
  required?: string[];
  anyOf?: { const?: unknown }[];
}

/** A YAML file that shows every key with its default, or commented out where there is none. */
export function exampleConfig(): string {
  const out: string[] = [
    '# /etc/hvnet/hvnet.yaml: hvnetd configuration. Generated from agent/config/schema.ts;',
    '# every key is optional and shown with its default (commented out: no default).',
    '# Check a file with: hvnet config check FILE',
    '',
  ];
  const walk = (node: Node, indent: string): void => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const optional = !(node.required ?? []).includes(key);
      for (const line of wrap(child.description ?? '', 96 - indent.length)) out.push(`${indent}# ${line}`);
      if (child.anyOf && child.anyOf.every((m) => m.const !== undefined)) {
        out.push(`${indent}# one of: ${child.anyOf.map((m) => String(m.const)).join(', ')}`);
      }
      if (child.type === 'object' && child.properties) {
        const commented = optional && child.default === undefined;
        out.push(`${indent}${commented ? '# ' : ''}${key}:`);
        const before = out.length;
        walk(child, `${indent}  `);
        if (commented) for (let i = before; i < out.length; i++) out[i] = `${indent}# ${(out[i] ?? '').slice(indent.length).replace(/^# /, '')}`;
      } else if (child.default !== undefined) {
        out.push(`${indent}${key}: ${yamlScalar(child.default).trim()}`);
      } else {
        out.push(`${indent}# ${key}:`);
      }
    }
  };
  walk(ConfigSchema, '');
  return `${out.join('\n')}\n`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Repository path → content. */
export function schemaFiles(): Map<string, string> {
  return new Map([
    ['agent/api/report.schema.json', jsonSchema(ReportSchema)],
    // Controllers accept version 1 while hosts are upgraded; this is what they check it against.
    ['agent/api/report-v1.schema.json', jsonSchema(ReportV1Schema)],
    ['agent/api/report-v2.schema.json', jsonSchema(ReportV2Schema)],
    ['agent/config/hvnet.schema.json', jsonSchema(ConfigSchema)],
    ['agent/config/hvnet.example.yaml', exampleConfig()],
  ]);
}
