// Domain XML (virsh dumpxml, live or --inactive) → the direct NICs in it. Other interface types
// are skipped; parts libvirt may leave out (mac before processing, target/alias when inactive,
// address before placement) come back as absent fields, never as errors.
import { MalformedXmlError } from './errors.js';
import { HVNET_ALIAS_PREFIX, UUID_PATTERN, USER_ALIAS_PREFIX } from './limits.js';
import { normalizeUuid } from './validate.js';
import { MACVTAP_MODES } from './types.js';
import type { DomainInterface, DomainVirtualPort, InterfaceSpec, PciAddress, VirtualPortSpec } from './types.js';
import { attribute, children, firstChild, parseXml, rootElement } from './xmltree.js';

/** libvirt writes integers in decimal, but its RNG also takes `0x` hex (managerid='0x0b', bus='0x01'). */
export function parseInteger(text: string | undefined, where: string): number | undefined {
  if (text === undefined) return undefined;
  const value = /^0x[0-9a-fA-F]+$/.test(text) ? parseInt(text.slice(2), 16) : /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) throw new MalformedXmlError(where, `not an integer: ${JSON.stringify(text)}`);
  return value;
}

function parseVirtualPort(node: unknown, where: string): DomainVirtualPort {
  const type = attribute(node, 'type');
  const params = firstChild(node, 'parameters');
  if (type === '802.1Qbg') {
    const vp: DomainVirtualPort = { type };
    const managerid = parseInteger(attribute(params, 'managerid'), `${where}/parameters@managerid`);
    const typeid = parseInteger(attribute(params, 'typeid'), `${where}/parameters@typeid`);
    const typeidversion = parseInteger(attribute(params, 'typeidversion'), `${where}/parameters@typeidversion`);
    const instanceid = attribute(params, 'instanceid');
    if (managerid !== undefined) vp.managerid = managerid;
    if (typeid !== undefined) vp.typeid = typeid;
    if (typeidversion !== undefined) vp.typeidversion = typeidversion;
    if (instanceid !== undefined) {
      if (!UUID_PATTERN.test(instanceid)) throw new MalformedXmlError(`${where}/parameters@instanceid`, `not a UUID: ${instanceid}`);
      vp.instanceid = normalizeUuid(instanceid, 'instanceid');
    }
    return vp;
  }
  if (type === '802.1Qbh') {
    const profileid = attribute(params, 'profileid');
    return profileid === undefined ? { type } : { type, profileid };
  }
  return { type: 'other', declaredType: type };
}

export function parsePciAddress(node: unknown, where: string): PciAddress | undefined {
  if (attribute(node, 'type') !== 'pci') return undefined;
  const part = (name: string): number => parseInteger(attribute(node, name), `${where}@${name}`) ?? 0;
  return { domain: part('domain'), bus: part('bus'), slot: part('slot'), function: part('function') };
}

/** One direct `<interface>` element; `where` locates it in messages. */
export function parseDirectInterface(node: unknown, where: string): DomainInterface {
  const sourceNode = firstChild(node, 'source');
  const source = attribute(sourceNode, 'dev');
  if (source === undefined || source === '') throw new MalformedXmlError(`${where}/source`, 'a direct interface without source dev');
  const modeText = attribute(sourceNode, 'mode');
  const mode = modeText === undefined ? 'vepa' : MACVTAP_MODES.find((m) => m === modeText);
  if (mode === undefined) throw new MalformedXmlError(`${where}/source@mode`, `unknown macvtap mode ${JSON.stringify(modeText)}`);

  const iface: DomainInterface = { source, mode };
  const mac = attribute(firstChild(node, 'mac'), 'address');
  if (mac !== undefined) iface.mac = mac.toLowerCase();
  const model = attribute(firstChild(node, 'model'), 'type');
  if (model !== undefined) iface.model = model;
  const vpNode = firstChild(node, 'virtualport');
  if (vpNode !== undefined) iface.virtualport = parseVirtualPort(vpNode, `${where}/virtualport`);
  const mtu = parseInteger(attribute(firstChild(node, 'mtu'), 'size'), `${where}/mtu@size`);
  if (mtu !== undefined) iface.mtu = mtu;
  const alias = attribute(firstChild(node, 'alias'), 'name');
  if (alias !== undefined) iface.alias = alias;
  const targetDev = attribute(firstChild(node, 'target'), 'dev');
  if (targetDev !== undefined) iface.targetDev = targetDev;
  const pci = parsePciAddress(firstChild(node, 'address'), `${where}/address`);
  if (pci !== undefined) iface.pciAddress = pci;
  return iface;
}

/** Every `<interface>` element of the domain, whatever its type. */
export function interfaceNodes(domainXml: string): unknown[] {
  const domain = rootElement(parseXml(domainXml, 'domain'), 'domain', 'domain');
  // A domain without devices is legal XML (and has no NICs).
  return children(firstChild(domain, 'devices'), 'interface');
}

/** The direct (macvtap) NICs of a domain, in document order. */
export function parseDomainInterfaces(domainXml: string): DomainInterface[] {
  const result: DomainInterface[] = [];
  interfaceNodes(domainXml).forEach((node, i) => {
    if (attribute(node, 'type') === 'direct') result.push(parseDirectInterface(node, `domain/devices/interface[${i + 1}]`));
  });
  return result;
}

/** One `<interface type='direct'>` snippet, e.g. what build.ts produced. */
export function parseInterfaceXml(xml: string): DomainInterface {
  const node = rootElement(parseXml(xml, 'interface'), 'interface', 'interface');
  const type = attribute(node, 'type');
  if (type !== 'direct') throw new MalformedXmlError('interface@type', `expected a direct interface, found ${JSON.stringify(type)}`);
  return parseDirectInterface(node, 'interface');
}

export interface InterfaceIdentity {
  type: string | undefined;
  mac?: string;
  alias?: string;
}

/** MAC and alias of every NIC of the domain, whatever its type: what a new NIC must not repeat. */
export function listInterfaceIdentities(domainXml: string): InterfaceIdentity[] {
  return interfaceNodes(domainXml).map((node) => {
    const identity: InterfaceIdentity = { type: attribute(node, 'type') };
    const mac = attribute(firstChild(node, 'mac'), 'address');
    if (mac !== undefined) identity.mac = mac.toLowerCase();
    const alias = attribute(firstChild(node, 'alias'), 'name');
    if (alias !== undefined) identity.alias = alias;
    return identity;
  });
}

/** hvnet owns the NICs carrying its alias prefix and no others. */
export function isHvnetInterface(iface: Pick<DomainInterface, 'alias'>): boolean {
  return iface.alias?.startsWith(HVNET_ALIAS_PREFIX) ?? false;
}

/**
 * Back from XML to what a client could have asked for (to re-plug a NIC, or to compare with a
 * desired spec). Unvalidated: run validateInterfaceSpec on it. libvirt's own aliases (`net0`)
 * and incomplete virtualports are not part of a spec and are left out.
 */
export function specFromDomainInterface(iface: DomainInterface): InterfaceSpec {
  const spec: InterfaceSpec = { source: iface.source, mode: iface.mode };
  if (iface.model !== undefined) spec.model = iface.model;
  if (iface.mac !== undefined) spec.mac = iface.mac;
  const vp = iface.virtualport;
  let virtualport: VirtualPortSpec | undefined;
  if (vp?.type === '802.1Qbg' && vp.managerid !== undefined && vp.typeid !== undefined && vp.typeidversion !== undefined) {
    virtualport = { type: vp.type, managerid: vp.managerid, typeid: vp.typeid, typeidversion: vp.typeidversion };
    if (vp.instanceid !== undefined) virtualport.instanceid = vp.instanceid;
  } else if (vp?.type === '802.1Qbh' && vp.profileid !== undefined) {
    virtualport = { type: vp.type, profileid: vp.profileid };
  }
  if (virtualport !== undefined) spec.virtualport = virtualport;
  if (iface.mtu !== undefined) spec.mtu = iface.mtu;
  if (iface.alias?.startsWith(USER_ALIAS_PREFIX)) spec.alias = iface.alias;
  return spec;
}
