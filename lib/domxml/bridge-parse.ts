// `<interface type='bridge'>` in domain XML → DomainBridgeInterface. As in parse.ts, what libvirt
// may leave out comes back absent, never as an error.
import { MalformedXmlError } from './errors.js';
import { GENERATED_TAP_PREFIXES, UUID_PATTERN, USER_ALIAS_PREFIX } from './limits.js';
import { normalizeUuid } from './validate.js';
import { parseInteger, parsePciAddress } from './parse.js';
import { HOST_CSUM_VALUES } from './bridge-types.js';
import type { BridgeInterfaceSpec, DomainBridgeInterface, DomainBridgeVirtualPort } from './bridge-types.js';
import { attribute, firstChild, parseXml, rootElement } from './xmltree.js';

function parseBridgeVirtualPort(node: unknown, where: string): DomainBridgeVirtualPort {
  const type = attribute(node, 'type');
  if (type !== 'openvswitch') return { type: 'other', declaredType: type };
  const interfaceid = attribute(firstChild(node, 'parameters'), 'interfaceid');
  if (interfaceid === undefined) return { type };
  if (!UUID_PATTERN.test(interfaceid)) throw new MalformedXmlError(`${where}/parameters@interfaceid`, `not a UUID: ${interfaceid}`);
  return { type, interfaceid: normalizeUuid(interfaceid, 'interfaceid') };
}

/** One bridge `<interface>` element; `where` locates it in messages. */
export function parseBridgeInterface(node: unknown, where: string): DomainBridgeInterface {
  const bridge = attribute(firstChild(node, 'source'), 'bridge');
  if (bridge === undefined || bridge === '') throw new MalformedXmlError(`${where}/source`, 'a bridge interface without source bridge');
  const iface: DomainBridgeInterface = { kind: 'bridge', bridge };
  const mac = attribute(firstChild(node, 'mac'), 'address');
  if (mac !== undefined) iface.mac = mac.toLowerCase();
  const model = attribute(firstChild(node, 'model'), 'type');
  if (model !== undefined) iface.model = model;
  const vpNode = firstChild(node, 'virtualport');
  if (vpNode !== undefined) iface.virtualport = parseBridgeVirtualPort(vpNode, `${where}/virtualport`);
  const targetDev = attribute(firstChild(node, 'target'), 'dev');
  if (targetDev !== undefined) iface.targetDev = targetDev;
  const csum = attribute(firstChild(firstChild(node, 'driver'), 'host'), 'csum');
  if (csum !== undefined) {
    const hostCsum = HOST_CSUM_VALUES.find((v) => v === csum);
    if (hostCsum === undefined) throw new MalformedXmlError(`${where}/driver/host@csum`, `neither on nor off: ${JSON.stringify(csum)}`);
    iface.hostCsum = hostCsum;
  }
  const mtu = parseInteger(attribute(firstChild(node, 'mtu'), 'size'), `${where}/mtu@size`);
  if (mtu !== undefined) iface.mtu = mtu;
  const alias = attribute(firstChild(node, 'alias'), 'name');
  if (alias !== undefined) iface.alias = alias;
  const pci = parsePciAddress(firstChild(node, 'address'), `${where}/address`);
  if (pci !== undefined) iface.pciAddress = pci;
  return iface;
}

/** One `<interface type='bridge'>` snippet, e.g. what bridge-build.ts produced. */
export function parseBridgeInterfaceXml(xml: string): DomainBridgeInterface {
  const node = rootElement(parseXml(xml, 'interface'), 'interface', 'interface');
  const type = attribute(node, 'type');
  if (type !== 'bridge') throw new MalformedXmlError('interface@type', `expected a bridge interface, found ${JSON.stringify(type)}`);
  return parseBridgeInterface(node, 'interface');
}

/**
 * Back to what a client could have asked for (unvalidated: run validateBridgeInterfaceSpec).
 * Left out: libvirt's own aliases and tap names, which a new attach must not repeat, and a
 * virtualport hvnet does not build.
 */
export function specFromBridgeInterface(iface: DomainBridgeInterface): BridgeInterfaceSpec {
  const spec: BridgeInterfaceSpec = { kind: 'bridge', bridge: iface.bridge };
  if (iface.model !== undefined) spec.model = iface.model;
  if (iface.mac !== undefined) spec.mac = iface.mac;
  const vp = iface.virtualport;
  if (vp?.type === 'openvswitch' && vp.interfaceid !== undefined) spec.virtualport = { type: vp.type, interfaceid: vp.interfaceid };
  const target = iface.targetDev;
  if (target !== undefined && !GENERATED_TAP_PREFIXES.some((p) => target.startsWith(p))) spec.targetDev = target;
  if (iface.hostCsum !== undefined) spec.hostCsum = iface.hostCsum;
  if (iface.mtu !== undefined) spec.mtu = iface.mtu;
  if (iface.alias?.startsWith(USER_ALIAS_PREFIX)) spec.alias = iface.alias;
  return spec;
}
