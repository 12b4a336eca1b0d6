// Checking a configuration text against the schema, with no I/O, so `hvnet config check`, the
// daemon's start-up and its SIGHUP reload give the same verdict. Every problem names its key path
// (`health.requiredLinks[0].minMtu`) and what is allowed there, because the reader is an operator
// looking at a YAML file, not at a JSON Schema.
import { parseDocument } from 'yaml';
import { Value } from '@sinclair/typebox/value';
import { ValueErrorType } from '@sinclair/typebox/errors';
import type { TSchema } from '@sinclair/typebox';
import { parseRemotes } from '../../lib/ovsdb/remotes.js';
import { ROUTER_MAC_RANGE } from '../../lib/ovn/ids.js';
import { ConfigError } from '../api/errors.js';
import type { ConfigProblem } from '../api/errors.js';
import { ConfigSchema } from './schema.js';
import type { RawConfig } from './schema.js';

/** Parses and checks a configuration; throws ConfigError listing every problem found. */
export function checkConfigText(text: string, file: string): RawConfig {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ path: '', message: `YAML line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0] ?? e.message}` })),
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(file, [{ path: '', message: 'the file must hold a mapping of keys (host, ovn, api, …)' }]);
  }
  const value: unknown = Value.Default(ConfigSchema, dropEmptyMappings(Value.Clone(raw), ConfigSchema));
  const problems = schemaProblems(value);
  if (problems.length > 0) throw new ConfigError(file, problems);
  const config = value as RawConfig;
  const more = crossChecks(config);
  if (more.length > 0) throw new ConfigError(file, more);
  return config;
}

function schemaProblems(value: unknown): ConfigProblem[] {
  const byPath = new Map<string, ConfigProblem>();
  for (const e of Value.Errors(ConfigSchema, value)) {
    const path = keyPath(e.path);
    if (byPath.has(path)) continue; // a union reports once per member; the first says enough
    if (e.type === ValueErrorType.ObjectAdditionalProperties) {
      const parent = e.path.slice(0, e.path.lastIndexOf('/'));
      const key = e.path.slice(e.path.lastIndexOf('/') + 1);
      const allowed = Object.keys(schemaAt(parent)?.properties ?? {});
      byPath.set(path, { path, message: `unknown key '${unescapePointer(key)}' (allowed: ${allowed.join(', ')})` });
    } else if (e.type === ValueErrorType.ObjectRequiredProperty) {
      byPath.set(path, { path, message: `required: ${describe(e.schema)}` });
    } else {
      byPath.set(path, { path, message: `expected ${describe(e.schema)}, got ${JSON.stringify(e.value)}` });
    }
  }
  return [...byPath.values()];
}

/** `host:` with nothing under it is YAML null; an operator means "no keys here", so it gets the defaults. */
function dropEmptyMappings(value: unknown, schema: SchemaNode): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const obj = value as Record<string, unknown>;
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    if (!(key in obj)) continue;
    if (obj[key] === null && child.type === 'object') delete obj[key];
    else dropEmptyMappings(obj[key], child);
  }
  return obj;
}

function crossChecks(c: RawConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  try {
    parseRemotes(c.ovn.nb.remotes, c.ovn.nb.ssl ? { ssl: c.ovn.nb.ssl } : {});
  } catch (e) {
    problems.push({ path: 'ovn.nb.remotes', message: e instanceof Error ? e.message : String(e) });
  }
  if (c.ovn.sb) {
    try {
      parseRemotes(c.ovn.sb.remotes, c.ovn.sb.ssl ? { ssl: c.ovn.sb.ssl } : {});
    } catch (e) {
      problems.push({ path: 'ovn.sb.remotes', message: e instanceof Error ? e.message : String(e) });
    }
  }
  if (macNumber(c.macPool.start) > macNumber(c.macPool.end)) {
    problems.push({ path: 'macPool', message: `start ${c.macPool.start} is after end ${c.macPool.end}` });
  }
  if (macNumber(c.macPool.start) <= macNumber(ROUTER_MAC_RANGE.last) && macNumber(c.macPool.end) >= macNumber(ROUTER_MAC_RANGE.first)) {
    problems.push({
      path: 'macPool',
      message: `${c.macPool.start}-${c.macPool.end} overlaps ${ROUTER_MAC_RANGE.first}-${ROUTER_MAC_RANGE.last}, the MACs hvnet gives its networks' router ports: a NIC given one of them could not be reached (the default pool is 02:68:6e:00:00:00-02:68:6e:ff:ff:ff)`,
    });
  }
  if ((Number.parseInt(c.macPool.start.slice(0, 2), 16) & 1) === 1) {
    problems.push({ path: 'macPool.start', message: `${c.macPool.start} is a multicast address; a NIC needs a unicast one` });
  }
  const names = new Set<string>();
  c.health.requiredLinks.forEach((l, i) => {
    if (names.has(l.name)) problems.push({ path: `health.requiredLinks[${i}].name`, message: `link ${l.name} is listed twice` });
    names.add(l.name);
  });
  if (c.api.rootReservedConnections >= c.api.maxConnections) {
    problems.push({ path: 'api.rootReservedConnections', message: `must be less than api.maxConnections (${c.api.maxConnections}), or only root could connect` });
  }
  if (c.controller && c.controller.retry.initialSeconds > c.controller.retry.maxSeconds) {
    problems.push({ path: 'controller.retry', message: 'initialSeconds is larger than maxSeconds' });
  }
  if (c.controller?.caFile && c.controller.url.startsWith('http://')) {
    problems.push({ path: 'controller.caFile', message: 'a CA file only makes sense with an https:// url' });
  }
  return problems;
}

export function macNumber(mac: string): number {
  return Number.parseInt(mac.replaceAll(':', ''), 16);
}

/** `/health/requiredLinks/0/minMtu` → `health.requiredLinks[0].minMtu` */
function keyPath(pointer: string): string {
  let out = '';
  for (const part of pointer.split('/').slice(1).map(unescapePointer)) {
    out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out;
}

function unescapePointer(s: string): string {
  return s.replaceAll('~1', '/').replaceAll('~0', '~');
}

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  pattern?: string;
  description?: string;
}

function schemaAt(pointer: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = ConfigSchema;
  for (const part of pointer.split('/').slice(1).map(unescapePointer)) {
    if (!node) return undefined;
    node = /^\d+$/.test(part) && node.items ? node.items : node.properties?.[part];
  }
  return node;
}

/** What a schema allows, in words. */
function describe(schema: TSchema): string {
  const s = schema as unknown as SchemaNode;
  if (s.anyOf?.every((m) => m.const !== undefined)) return `one of ${s.anyOf.map((m) => JSON.stringify(m.const)).join(', ')}`;
  const bounds: string[] = [];
  if (s.minimum !== undefined) bounds.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) bounds.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined) bounds.push(`≤ ${s.maximum}`);
  if (s.minLength !== undefined && s.minLength > 0) bounds.push('not empty');
  if (s.pattern !== undefined) bounds.push(`matching /${s.pattern}/`);
  const what = s.type === 'object' ? `a mapping with keys ${Object.keys(s.properties ?? {}).join(', ')}` : s.type === 'array' ? 'a list' : (s.type ?? 'a value');
  const hint = s.description ? ` (${s.description})` : '';
  return `${what}${bounds.length > 0 ? ` ${bounds.join(', ')}` : ''}${hint}`;
}
