// Normalized bridge spec → the `<interface type='bridge'>` device XML for
// virDomainAttachDeviceFlags, in libvirt's formatter order (mac, source, virtualport, target,
// model, driver, mtu, alias) like build.ts does for direct NICs.
import { validateBridgeInterfaceSpec } from './bridge-validate.js';
import type { NormalizedBridgeInterfaceSpec } from './bridge-types.js';
import { renderXml } from './xmltree.js';
import type { XmlElement } from './xmltree.js';

/** Same spec, same bytes. Validated again: a hand-built "normalized" object must not slip past the rules. */
export function buildBridgeInterfaceXml(spec: NormalizedBridgeInterfaceSpec): string {
  const checked = validateBridgeInterfaceSpec(spec);
  const el: XmlElement = { $: { type: 'bridge' } };
  if (checked.mac !== undefined) el.mac = { $: { address: checked.mac } };
  el.source = { $: { bridge: checked.bridge } };
  if (checked.virtualport !== undefined) {
    el.virtualport = { $: { type: checked.virtualport.type }, parameters: { $: { interfaceid: checked.virtualport.interfaceid } } };
  }
  if (checked.targetDev !== undefined) el.target = { $: { dev: checked.targetDev } };
  el.model = { $: { type: checked.model } };
  // Sent as `<driver name='qemu'>` (QEMU's own virtio-net backend, not vhost-net), the shape the
  // OVS ports are specified with; the RNG would take the driver without a name too.
  if (checked.hostCsum !== undefined) el.driver = { $: { name: 'qemu' }, host: { $: { csum: checked.hostCsum } } };
  if (checked.mtu !== undefined) el.mtu = { $: { size: String(checked.mtu) } };
  if (checked.alias !== undefined) el.alias = { $: { name: checked.alias } };
  return renderXml('interface', el);
}
