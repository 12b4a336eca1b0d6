// Every kind of NIC lib/domxml builds and reads, told apart by `kind`. Each kind keeps its own
// files: direct (macvtap) in types.ts, validate.ts, build.ts and parse.ts, whose kind-less API
// stays as it was; bridge in bridge-*.ts. This file only dispatches.
import { InvalidFieldError, MalformedXmlError } from './errors.js';
import { buildInterfaceXml } from './build.js';
import { interfaceNodes, parseDirectInterface, specFromDomainInterface } from './parse.js';
import { isPlainObject, oneOf, validateInterfaceSpec } from './validate.js';
import type { ValidateOptions } from './validate.js';
import type { DomainInterface, InterfaceSpec, NormalizedInterfaceSpec } from './types.js';
import { validateBridgeInterfaceSpec } from './bridge-validate.js';
import { buildBridgeInterfaceXml } from './bridge-build.js';
import { parseBridgeInterface, specFromBridgeInterface } from './bridge-parse.js';
import type { BridgeInterfaceSpec, DomainBridgeInterface, NormalizedBridgeInterfaceSpec } from './bridge-types.js';
import { attribute, parseXml, rootElement } from './xmltree.js';

export const NIC_KINDS = ['direct', 'bridge'] as const;
export type NicKind = (typeof NIC_KINDS)[number];

export type DirectNicSpec = InterfaceSpec & { kind: 'direct' };
export type NicSpec = DirectNicSpec | BridgeInterfaceSpec;
export type NormalizedDirectNicSpec = NormalizedInterfaceSpec & { kind: 'direct' };
export type NormalizedNicSpec = NormalizedDirectNicSpec | NormalizedBridgeInterfaceSpec;
export type DomainDirectNic = DomainInterface & { kind: 'direct' };
export type DomainNic = DomainDirectNic | DomainBridgeInterface;

/** `kind` is required: a default would turn a misspelt bridge spec into a macvtap. */
export function validateNicSpec(input: unknown, options: ValidateOptions = {}): NormalizedNicSpec {
  if (!isPlainObject(input)) throw new InvalidFieldError('spec', input, 'an object');
  const kind = oneOf(input.kind, NIC_KINDS, 'kind');
  if (kind === 'bridge') return validateBridgeInterfaceSpec(input);
  const { kind: _kind, ...direct } = input;
  return { kind, ...validateInterfaceSpec(direct, options) };
}

export function buildNicXml(spec: NormalizedNicSpec): string {
  if (spec.kind === 'bridge') return buildBridgeInterfaceXml(spec);
  const { kind: _kind, ...direct } = spec;
  return buildInterfaceXml(direct);
}

function parseNicNode(node: unknown, where: string): DomainNic | undefined {
  const type = attribute(node, 'type');
  if (type === 'direct') return { kind: 'direct', ...parseDirectInterface(node, where) };
  if (type === 'bridge') return parseBridgeInterface(node, where);
  return undefined;
}

/** One `<interface>` snippet of a kind hvnet knows. */
export function parseNicXml(xml: string): DomainNic {
  const node = rootElement(parseXml(xml, 'interface'), 'interface', 'interface');
  const nic = parseNicNode(node, 'interface');
  if (nic === undefined) {
    throw new MalformedXmlError('interface@type', `expected one of ${NIC_KINDS.join(', ')}, found ${JSON.stringify(attribute(node, 'type'))}`);
  }
  return nic;
}

/** The direct and bridge NICs of a domain, in document order; other types are skipped. */
export function parseDomainNics(domainXml: string): DomainNic[] {
  const result: DomainNic[] = [];
  interfaceNodes(domainXml).forEach((node, i) => {
    const nic = parseNicNode(node, `domain/devices/interface[${i + 1}]`);
    if (nic !== undefined) result.push(nic);
  });
  return result;
}

export function specFromDomainNic(nic: DomainNic): NicSpec {
  if (nic.kind === 'bridge') return specFromBridgeInterface(nic);
  const { kind, ...direct } = nic;
  return { kind, ...specFromDomainInterface(direct) };
}
