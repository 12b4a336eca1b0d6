// The name of a remote peering's transit switch: the one OVN row name hvnet builds from user names
// (everywhere else rows are named from ids), because both AZs must render the same name to meet
// on the same transit switch, as Incus does. It comes from the integration's
// `ovn.transit.pattern`, Incus's default being `ts-incus-{{ integrationName }}-{{ projectName }}-{{ networkName }}`:
// an AZ whose network `default/web` peers through integration `ic` meets the other AZ's
// `default/web` peering through its integration `ic`.
//
// The rule (docs/ovn-ic.md): the pattern holds literal characters from [A-Za-z0-9_.-] and the
// placeholders {{ integrationName }}, {{ projectName }}, {{ networkName }} (spaces inside the
// braces optional); the rendered name is 1–200 characters of [A-Za-z0-9_.-] (room is left for the
// `-<az>` suffix of the switch ports). hvnet's own names are DNS labels, so rendering can only
// break the length.
import { RemoteError } from './errors.js';
import type { RemoteErrorContext } from './errors.js';

export const DEFAULT_TRANSIT_PATTERN = 'ts-incus-{{ integrationName }}-{{ projectName }}-{{ networkName }}';
export const TRANSIT_NAME_MAX = 200;
const PLACEHOLDERS = ['integrationName', 'projectName', 'networkName'] as const;
const PLACEHOLDER_RE = /\{\{\s*([A-Za-z]+)\s*\}\}/g;
const LITERAL_RE = /^[A-Za-z0-9_.-]*$/;
export const PATTERN_RULE = `literal [A-Za-z0-9_.-] and {{ ${PLACEHOLDERS.join(' }}, {{ ')} }}`;
export const TRANSIT_NAME_RULE = `1-${TRANSIT_NAME_MAX} characters of [A-Za-z0-9_.-]`;

export interface TransitNameInput {
  integration: string;
  project: string;
  network: string;
}

export function checkTransitPattern(pattern: string, context: RemoteErrorContext = {}): string {
  const fail = (why: string): never => {
    throw new RemoteError('HVNET_OVN_INTEGRATION_INVALID', `ovn.transit.pattern ${JSON.stringify(pattern)} ${why}`, {
      ...context,
      field: context.field ?? 'config.ovn.transit.pattern',
      value: pattern,
      allowed: PATTERN_RULE,
    });
  };
  let found = 0;
  const literal = pattern.replace(PLACEHOLDER_RE, (_m, name: string) => {
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) fail(`names {{ ${name} }}, which is not a placeholder`);
    found += 1;
    return '';
  });
  if (!LITERAL_RE.test(literal)) fail(`holds ${JSON.stringify([...new Set(literal.replace(/[A-Za-z0-9_.-]/g, ''))].join(''))} outside a placeholder`);
  if (found === 0 && literal.length === 0) fail('is empty');
  return pattern;
}

/** The transit switch name for a peering; TRANSIT_NAME_INVALID when it breaks the rule. */
export function renderTransitName(pattern: string, input: TransitNameInput, context: RemoteErrorContext = {}): string {
  checkTransitPattern(pattern, context);
  const values: Record<string, string> = { integrationName: input.integration, projectName: input.project, networkName: input.network };
  const name = pattern.replace(PLACEHOLDER_RE, (_m, k: string) => values[k] ?? '');
  if (name.length === 0 || name.length > TRANSIT_NAME_MAX || !LITERAL_RE.test(name)) {
    throw new RemoteError('HVNET_OVN_TRANSIT_NAME_INVALID', `the transit switch name ${JSON.stringify(name)} rendered from ${JSON.stringify(pattern)} is ${name.length} characters long`, {
      ...context,
      field: 'config.ovn.transit.pattern',
      value: name,
      allowed: TRANSIT_NAME_RULE,
    });
  }
  return name;
}
