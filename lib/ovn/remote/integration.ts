// Network integrations, as Incus has them (`incus network integration create NAME ovn`): how this
// OVN deployment reaches an OVN interconnection (the IC-NB and IC-SB remotes, the TLS files) and
// how remote peerings name their transit switches. Each is one key `hvnet:integration:<name>` in
// NB_Global's external_ids (value: JSON {type, description, config}), so every hvnetd on the NB
// serves the same integrations, like projects and peerings.
//
// The NB is readable by every NB client, so the TLS settings are PATHS to files readable by
// hvnetd, never the PEM itself (Incus stores the PEM; a value that looks like PEM is refused with
// that reason). Whether the files exist and can be read is I/O: integration-files.ts checks it
// before a plan is made. An integration that remote peerings use cannot be deleted.
import { mutation, where } from '../../ovsdb/operations.js';
import { map, set, uuid } from '../../ovsdb/values.js';
import { parseRemotes } from '../../ovsdb/remotes.js';
import { InvalidRemoteError } from '../../ovsdb/errors.js';
import { globalAbsent, globalUnchanged } from '../guards.js';
import { checkDescription, isValidName, nameProblem, NAME_RULE } from '../names.js';
import { nb } from '../nb-operations.js';
import { TxnBuilder } from '../plan.js';
import type { Plan, PlanOptions } from '../plan.js';
import type { NbView } from '../state.js';
import { RemoteError } from './errors.js';
import { checkTransitPattern, DEFAULT_TRANSIT_PATTERN } from './transit-name.js';

export const INTEGRATION_PREFIX = 'hvnet:integration:';

export function integrationKey(name: string): string {
  return `${INTEGRATION_PREFIX}${name}`;
}

/** The keys of an OVN integration, as Incus spells them; `user.*` keys are free. */
export const INTEGRATION_KEYS = [
  'ovn.northbound_connection',
  'ovn.southbound_connection',
  'ovn.ca_cert',
  'ovn.client_cert',
  'ovn.client_key',
  'ovn.transit.pattern',
] as const;
export type IntegrationKey = (typeof INTEGRATION_KEYS)[number];

/** Keys whose value is the path of a file hvnetd reads. */
export const PATH_KEYS = ['ovn.ca_cert', 'ovn.client_cert', 'ovn.client_key'] as const;

const KEY_RULE = `${INTEGRATION_KEYS.join(', ')} or user.<name>`;
const USER_KEY_RE = /^user\.[A-Za-z0-9._-]{1,200}$/;
const MAX_VALUE = 4096;

export const INTEGRATION_TYPES = ['ovn'] as const;

export interface IntegrationInfo {
  name: string;
  type: 'ovn';
  description: string;
  config: Record<string, string>;
  /** Remote peerings using it, as `project/network/peering`, sorted. */
  usedBy: string[];
}

export interface Integration {
  name: string;
  type: 'ovn';
  description: string;
  config: Record<string, string>;
}

export interface CreateIntegrationRequest {
  name: string;
  type?: string;
  description?: string;
  config?: Record<string, string>;
}

export function checkIntegrationName(value: unknown): string {
  const why = nameProblem(value);
  if (why === undefined) return value as string;
  throw new RemoteError('HVNET_OVN_INTEGRATION_INVALID', `integration name ${typeof value === 'string' ? JSON.stringify(value) : '(missing)'} ${why}`, {
    field: 'name',
    value,
    allowed: NAME_RULE,
  });
}

function invalid(integration: string, field: string, value: unknown, message: string, allowed: string): RemoteError {
  return new RemoteError('HVNET_OVN_INTEGRATION_INVALID', message, { integration, field, value, allowed });
}

export function checkIntegrationKey(integration: string, key: unknown): string {
  if (typeof key === 'string' && ((INTEGRATION_KEYS as readonly string[]).includes(key) || USER_KEY_RE.test(key))) return key;
  throw invalid(integration, `config.${String(key)}`, key, `config key ${JSON.stringify(key)} is not a key of an OVN integration`, KEY_RULE);
}

/** One key and value; returns the value as stored. */
export function checkIntegrationValue(integration: string, keyIn: unknown, value: unknown): string {
  const key = checkIntegrationKey(integration, keyIn);
  const field = `config.${key}`;
  if (typeof value !== 'string' || value.length > MAX_VALUE || /\p{Cs}|\0/u.test(value)) {
    throw invalid(integration, field, value, `${key} is not storable`, `a string of at most ${MAX_VALUE} characters without NUL`);
  }
  if (key === 'ovn.northbound_connection' || key === 'ovn.southbound_connection') {
    try {
      // The files of ssl: remotes are their own keys, checked with the whole config.
      parseRemotes(value, { ssl: { privateKey: '-', certificate: '-', caCertificate: '-' } });
    } catch (e) {
      const why = e instanceof InvalidRemoteError ? `${JSON.stringify(e.remote)}: ${e.reason}` : (e as Error).message;
      throw invalid(integration, field, value, `${key} ${why}`, 'comma-separated unix:PATH, tcp:IP:PORT, tcp:[IPv6]:PORT or ssl:IP:PORT remotes');
    }
  } else if ((PATH_KEYS as readonly string[]).includes(key)) {
    if (value.includes('-----BEGIN')) {
      throw invalid(
        integration,
        field,
        '(PEM text)',
        `${key} holds PEM text: hvnet keeps integrations in the OVN NB, which every NB client can read, so it stores the path of the file, not its content`,
        'an absolute path to a file readable by hvnetd',
      );
    }
    if (!value.startsWith('/')) throw invalid(integration, field, value, `${key} ${JSON.stringify(value)} is not an absolute path`, 'an absolute path to a file readable by hvnetd');
  } else if (key === 'ovn.transit.pattern') {
    checkTransitPattern(value, { integration, field });
  }
  return value;
}

/** A whole config: each key, then what the keys mean together (ssl: remotes need the three files). */
export function checkIntegrationConfig(integration: string, config: unknown): Record<string, string> {
  if (config === undefined) return {};
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw invalid(integration, 'config', config, 'config must be an object of keys to strings', KEY_RULE);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out[k] = checkIntegrationValue(integration, k, v);
  }
  const ssl = ['ovn.northbound_connection', 'ovn.southbound_connection'].filter((k) => out[k]?.split(',').some((r) => r.trim().startsWith('ssl:')));
  for (const k of ssl.length > 0 ? PATH_KEYS : []) {
    if (out[k] === undefined) {
      throw invalid(integration, `config.${k}`, undefined, `${ssl.join(' and ')} use ssl: remotes, which need ${k}`, 'the paths of ovn.ca_cert, ovn.client_cert and ovn.client_key');
    }
  }
  return out;
}

/** The stored form: keys sorted, so equal content is equal text. */
export function encodeIntegration(i: Omit<Integration, 'name'>): string {
  const config = Object.fromEntries(Object.entries(i.config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify({ type: i.type, description: i.description, config });
}

function decodeIntegration(name: string, text: string): Integration | undefined {
  try {
    const v = JSON.parse(text) as { type?: unknown; description?: unknown; config?: unknown };
    if (v.type !== 'ovn' || typeof v.description !== 'string') return undefined;
    const config: Record<string, string> = {};
    if (typeof v.config === 'object' && v.config !== null) {
      for (const [k, val] of Object.entries(v.config as Record<string, unknown>)) if (typeof val === 'string') config[k] = val;
    }
    return { name, type: 'ovn', description: v.description, config };
  } catch {
    return undefined;
  }
}

/** Every integration recorded in NB_Global (values that do not parse are not integrations). */
export function readIntegrations(view: NbView): Integration[] {
  const out: Integration[] = [];
  for (const [k, v] of Object.entries(view.nbGlobal()?.external_ids ?? {})) {
    if (!k.startsWith(INTEGRATION_PREFIX)) continue;
    const name = k.slice(INTEGRATION_PREFIX.length);
    const i = isValidName(name) ? decodeIntegration(name, v) : undefined;
    if (i) out.push(i);
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

export function readIntegration(view: NbView, name: string): Integration | undefined {
  const text = view.nbGlobal()?.external_ids[integrationKey(name)];
  return text === undefined ? undefined : decodeIntegration(name, text);
}

/** The remote peerings that name the integration, as `project/network/peering`. */
export function integrationUsers(view: NbView, name: string): string[] {
  const out: string[] = [];
  for (const n of view.networks()) {
    for (const d of n.declarations.values()) if (d.type === 'remote' && d.integration === name) out.push(`${n.project}/${n.name}/${d.name}`);
  }
  return out.sort();
}

export function integrationInfo(view: NbView, i: Integration): IntegrationInfo {
  return { name: i.name, type: i.type, description: i.description, config: { ...i.config }, usedBy: integrationUsers(view, i.name) };
}

/** The transit switch pattern in force (the default when unset). */
export function transitPattern(i: Integration): string {
  return i.config['ovn.transit.pattern'] ?? DEFAULT_TRANSIT_PATTERN;
}

export function listIntegrations(view: NbView): IntegrationInfo[] {
  return readIntegrations(view).map((i) => integrationInfo(view, i));
}

function existing(view: NbView, name: unknown): Integration {
  const n = checkIntegrationName(name);
  const i = readIntegration(view, n);
  if (!i) throw new RemoteError('HVNET_OVN_INTEGRATION_NOT_FOUND', `network integration ${JSON.stringify(n)} does not exist`, { integration: n });
  return i;
}

export function showIntegration(view: NbView, name: string): IntegrationInfo {
  return integrationInfo(view, existing(view, name));
}

export function getIntegrationConfig(view: NbView, req: { name: string; key: string }): string | undefined {
  const i = existing(view, req.name);
  return i.config[checkIntegrationKey(i.name, req.key)];
}

/** Writes `value` (undefined: removes) under the integration's key; serialised on NB_Global as read. */
function writeIntegration(view: NbView, name: string, value: string | undefined): TxnBuilder {
  const tx = new TxnBuilder();
  const key = integrationKey(name);
  const global = view.nbGlobal();
  if (!global) {
    if (value === undefined) return tx;
    tx.guard('global-absent', globalAbsent());
    tx.write(nb.insert('NB_Global', { external_ids: map({ [key]: value }) }));
    return tx;
  }
  // Concurrent writers of the same integration (or a project) change these: the loser re-plans.
  tx.guard('global', globalUnchanged(global));
  const at = [where('_uuid', '==', uuid(global._uuid))];
  const remove = mutation('external_ids', 'delete', set([key]));
  tx.write(nb.mutate('NB_Global', at, value === undefined ? [remove] : [remove, mutation('external_ids', 'insert', map({ [key]: value }))]));
  return tx;
}

export function planCreateIntegration(view: NbView, req: CreateIntegrationRequest, opts: PlanOptions = {}): Plan<IntegrationInfo> {
  const name = checkIntegrationName(req.name);
  const type = req.type ?? 'ovn';
  if (type !== 'ovn') throw invalid(name, 'type', type, `integration type ${JSON.stringify(type)} is unknown`, INTEGRATION_TYPES.join(', '));
  let description: string;
  try {
    description = checkDescription(req.description);
  } catch (e) {
    throw invalid(name, 'description', req.description, (e as Error).message, 'a string of at most 1024 characters without NUL');
  }
  const want: Integration = { name, type: 'ovn', description, config: checkIntegrationConfig(name, req.config) };
  const have = readIntegration(view, name);
  if (have) {
    if (opts.replay && encodeIntegration(have) === encodeIntegration(want)) return { operations: [], result: integrationInfo(view, have), changes: [] };
    throw new RemoteError('HVNET_OVN_INTEGRATION_EXISTS', `network integration ${JSON.stringify(name)} already exists`, { integration: name });
  }
  const tx = writeIntegration(view, name, encodeIntegration(want));
  return { operations: tx.operations(), result: integrationInfo(view, want), changes: [] };
}

function planEdit(view: NbView, have: Integration, want: Integration): Plan<IntegrationInfo> {
  const result = integrationInfo(view, want);
  if (encodeIntegration(have) === encodeIntegration(want)) return { operations: [], result, changes: [] };
  return { operations: writeIntegration(view, have.name, encodeIntegration(want)).operations(), result, changes: [] };
}

/** `edit`: description and config from the edited document; other fields must be sent back unchanged. */
export function planUpdateIntegration(view: NbView, req: { name: string; fields: Record<string, unknown> }): Plan<IntegrationInfo> {
  const have = existing(view, req.name);
  const current: Record<string, unknown> = { name: have.name, type: have.type, used_by: integrationUsers(view, have.name) };
  for (const [field, value] of Object.entries(req.fields)) {
    if (field === 'description' || field === 'config' || value === undefined) continue;
    if (field in current && JSON.stringify(value) === JSON.stringify(current[field])) continue;
    throw invalid(have.name, field, value, `field ${JSON.stringify(field)} of a network integration cannot be changed`, 'changes to description and config only');
  }
  const description = req.fields.description === undefined ? have.description : req.fields.description;
  if (typeof description !== 'string') throw invalid(have.name, 'description', description, 'description must be a string', 'a string of at most 1024 characters');
  const config = req.fields.config === undefined ? have.config : checkIntegrationConfig(have.name, req.fields.config);
  return planEdit(view, have, { ...have, description: checkDescription(description), config });
}

export function planSetIntegrationConfig(view: NbView, req: { name: string; key: string; value: string }): Plan<IntegrationInfo> {
  const have = existing(view, req.name);
  const config = checkIntegrationConfig(have.name, { ...have.config, [req.key]: checkIntegrationValue(have.name, req.key, req.value) });
  return planEdit(view, have, { ...have, config });
}

export function planUnsetIntegrationConfig(view: NbView, req: { name: string; key: string }): Plan<IntegrationInfo> {
  const have = existing(view, req.name);
  checkIntegrationKey(have.name, req.key);
  const config = { ...have.config };
  delete config[req.key];
  return planEdit(view, have, { ...have, config: checkIntegrationConfig(have.name, config) });
}

/**
 * Refused while remote peerings name it (all of them listed). A peering declared on another host
 * between this read and the commit is not seen by the guard (declarations live on routers); it
 * then shows as errored, naming the missing integration, until the integration is made again.
 */
export function planDeleteIntegration(view: NbView, req: { name: string }, opts: PlanOptions = {}): Plan<{ name: string }> {
  const name = checkIntegrationName(req.name);
  if (!readIntegration(view, name)) {
    if (opts.replay) return { operations: [], result: { name }, changes: [] };
    throw new RemoteError('HVNET_OVN_INTEGRATION_NOT_FOUND', `network integration ${JSON.stringify(name)} does not exist`, { integration: name });
  }
  const users = integrationUsers(view, name);
  if (users.length > 0) {
    throw new RemoteError('HVNET_OVN_INTEGRATION_IN_USE', `network integration ${JSON.stringify(name)} is used by remote peerings: ${users.join(', ')}`, {
      integration: name,
      usedBy: users,
    });
  }
  return { operations: writeIntegration(view, name, undefined).operations(), result: { name }, changes: [] };
}

