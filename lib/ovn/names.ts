// What hvnet accepts as project, network and peering names, peering targets, `user.*` config keys
// and descriptions. Checked before anything is planned, so a bad request never reaches the NB.
//
// Names: 1–63 characters of ASCII letters, digits and hyphens, not starting or ending with a
// hyphen (an RFC 1123 DNS label). Incus is looser in places (project names may hold most
// printable characters except `/`, and OVN network names are checked as interface-like names);
// every Incus name rule forbids `/` and the empty name, which is what the target syntax
// `project/network` relies on. hvnet takes the strict common subset so that a name is safe
// everywhere it travels: external_ids values, OVSDB conditions, CLI arguments, log lines. Row
// names in the NB never contain user names (ids.ts), so this rule is about the API, not OVN.
import { InvalidConfigError, InvalidInputError, InvalidNameError, InvalidTargetError } from './errors.js';
import type { OvnErrorContext } from './errors.js';

export const NAME_RULE = '1-63 ASCII letters, digits and hyphens, not starting or ending with a hyphen; case counts';
const NAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export const DEFAULT_PROJECT = 'default';

export type NameKind = 'project' | 'network' | 'peering';

export function isValidName(value: unknown): value is string {
  return typeof value === 'string' && NAME_RE.test(value);
}

/**
 * Why `value` is not a name, in words an operator can act on (its length, the character that
 * is not allowed); undefined when it is one. Case counts, as in Incus: `Web` and `web` are two
 * names, and whatever case a name was created with is the case that reaches it.
 */
export function nameProblem(value: unknown): string | undefined {
  if (isValidName(value)) return undefined;
  if (typeof value !== 'string') return `must be a string, got ${value === undefined ? 'nothing' : typeof value}`;
  if (value.length === 0) return 'is empty';
  if (value.length > 63) return `is ${value.length} characters long (at most 63)`;
  if (value.startsWith('-') || value.endsWith('-')) return 'starts or ends with a hyphen';
  const bad = [...new Set(value.replace(/[A-Za-z0-9-]/g, ''))].join('');
  return `holds ${JSON.stringify(bad.slice(0, 8))}, which is not allowed`;
}

/** Throws InvalidNameError naming the field, the reason and the allowed form. */
export function checkName(kind: NameKind, value: unknown, context: OvnErrorContext = {}, field: string = kind): string {
  const why = nameProblem(value);
  if (why === undefined) return value as string;
  throw new InvalidNameError(`${kind} name ${typeof value === 'string' ? JSON.stringify(value) : '(missing)'} ${why}`, {
    ...context,
    field,
    value,
    allowed: NAME_RULE,
  });
}

export interface Target {
  project: string;
  network: string;
}

export const TARGET_RULE = `NETWORK or PROJECT/NETWORK, each ${NAME_RULE}`;

/**
 * `network` (in `localProject`) or `project/network`. Anything else (`a/b/c`, `/x`, `x/`, bad
 * characters) is an InvalidTargetError. Whether the target exists is not checked here, and must
 * not be by callers either: a well-formed target that does not exist is a pending peering.
 */
export function parseTarget(value: unknown, localProject: string, context: OvnErrorContext = {}): Target {
  // Read for every declaration the cache brings and every request: no closure, no split array.
  if (typeof value !== 'string') return badTarget(value, context, 'must be a string');
  const slash = value.indexOf('/');
  if (slash < 0) {
    const why = nameProblem(value);
    if (why !== undefined) badTarget(value, context, value === '' ? 'is empty' : `names a network that ${why}`);
    return { project: localProject, network: value };
  }
  if (value.indexOf('/', slash + 1) >= 0) return badTarget(value, context, 'has more than one "/"');
  const first = value.slice(0, slash);
  const second = value.slice(slash + 1);
  if (first === '') badTarget(value, context, 'has an empty project before "/"');
  if (second === '') badTarget(value, context, 'has an empty network after "/"');
  const projectWhy = nameProblem(first);
  if (projectWhy !== undefined) badTarget(value, context, `names a project that ${projectWhy}`);
  const networkWhy = nameProblem(second);
  if (networkWhy !== undefined) badTarget(value, context, `names a network that ${networkWhy}`);
  return { project: first, network: second };
}

function badTarget(value: unknown, context: OvnErrorContext, why: string): never {
  throw new InvalidTargetError(`peering target ${JSON.stringify(value)} ${why}`, { ...context, field: 'target', value, allowed: TARGET_RULE });
}

export function formatTarget(t: Target): string {
  return `${t.project}/${t.network}`;
}

export const CONFIG_KEY_RULE = 'user.<name>, <name> of 1-200 letters, digits, ".", "_", "-"';
const CONFIG_KEY_RE = /^user\.[A-Za-z0-9._-]{1,200}$/;
const MAX_CONFIG_VALUE = 4096;
const MAX_CONFIG_KEYS = 64;

export function checkConfigKey(key: unknown, context: OvnErrorContext = {}): string {
  if (typeof key === 'string' && CONFIG_KEY_RE.test(key)) return key;
  throw new InvalidConfigError(
    `config key ${JSON.stringify(key)} is not allowed: peerings take only user.* keys`,
    { ...context, field: `config.${String(key)}`, value: key, allowed: CONFIG_KEY_RULE },
  );
}

export function checkConfigValue(key: string, value: unknown, context: OvnErrorContext = {}): string {
  if (typeof value === 'string' && value.length <= MAX_CONFIG_VALUE && !/\p{Cs}|\0/u.test(value)) return value;
  throw new InvalidConfigError(`config value of ${key} is not storable`, {
    ...context,
    field: `config.${key}`,
    value,
    allowed: `a string of at most ${MAX_CONFIG_VALUE} characters without NUL`,
  });
}

/** A whole config map: only `user.*` keys with string values. Returns a sorted copy. */
export function checkConfig(config: unknown, context: OvnErrorContext = {}): Record<string, string> {
  if (config === undefined) return {};
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new InvalidConfigError('config must be an object of user.* keys to strings', { ...context, field: 'config', value: config, allowed: CONFIG_KEY_RULE });
  }
  const entries = Object.entries(config as Record<string, unknown>);
  if (entries.length > MAX_CONFIG_KEYS) {
    throw new InvalidConfigError(`config has ${entries.length} keys`, { ...context, field: 'config', allowed: `at most ${MAX_CONFIG_KEYS} keys` });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out[checkConfigKey(k, context)] = checkConfigValue(k, v, context);
  }
  return out;
}

const MAX_DESCRIPTION = 1024;

export function checkDescription(value: unknown, context: OvnErrorContext = {}): string {
  if (value === undefined) return '';
  if (typeof value === 'string' && value.length <= MAX_DESCRIPTION && !/\p{Cs}|\0/u.test(value)) return value;
  throw new InvalidInputError('description is not storable', {
    ...context,
    field: 'description',
    value,
    allowed: `a string of at most ${MAX_DESCRIPTION} characters without NUL`,
  });
}
