// Normalized spec → the `<interface type='direct'>` device XML handed to virDomainAttachDeviceFlags.
// Elements follow libvirt's own formatter order (mac, source, virtualport, model, mtu, alias), so
// the text equals what dumpxml would print for it, minus the parts libvirt adds.
import { InvalidFieldError } from './errors.js';
import { MAC_RULE, USER_ALIAS_PREFIX } from './limits.js';
import { normalizeMac, validateInterfaceSpec, validateSourceDevice } from './validate.js';
import { MACVTAP_MODES } from './types.js';
import type { MacvtapMode, NormalizedInterfaceSpec, NormalizedVirtualPort } from './types.js';
import { renderXml } from './xmltree.js';
import type { XmlElement } from './xmltree.js';

const USER_ALIAS_PATTERN = /^ua-[A-Za-z0-9_.-]+$/;

function virtualPortElement(vp: NormalizedVirtualPort): XmlElement {
  const parameters: Record<string, string> =
    vp.type === '802.1Qbg'
      ? {
          managerid: String(vp.managerid),
          typeid: String(vp.typeid),
          typeidversion: String(vp.typeidversion),
          instanceid: vp.instanceid,
        }
      : { profileid: vp.profileid };
  return { $: { type: vp.type }, parameters: { $: parameters } };
}

/**
 * The same spec always gives the same bytes (attribute and element order are fixed here), so a
 * plan can be compared and logged. The spec is validated again: a hand-built object typed as
 * normalized must not slip past the rules.
 */
export function buildInterfaceXml(spec: NormalizedInterfaceSpec): string {
  const checked = validateInterfaceSpec(spec, {
    randomUUID: () => {
      throw new InvalidFieldError('virtualport.instanceid', undefined, 'present in a normalized spec');
    },
  });
  const el: XmlElement = { $: { type: 'direct' } };
  if (checked.mac !== undefined) el.mac = { $: { address: checked.mac } };
  el.source = { $: { dev: checked.source, mode: checked.mode } };
  if (checked.virtualport !== undefined) el.virtualport = virtualPortElement(checked.virtualport);
  el.model = { $: { type: checked.model } };
  if (checked.mtu !== undefined) el.mtu = { $: { size: String(checked.mtu) } };
  if (checked.alias !== undefined) el.alias = { $: { name: checked.alias } };
  return renderXml('interface', el);
}

/** What identifies a NIC to detach; a DomainInterface or a NormalizedInterfaceSpec both fit. */
export interface DetachTarget {
  source: string;
  mode?: MacvtapMode;
  mac?: string;
  alias?: string;
}

/**
 * The smallest XML virDomainDetachDeviceFlags accepts for a direct NIC. libvirt finds the device
 * by MAC and, if given, user alias; its parser still insists on `<source dev>` for type direct.
 * Aliases that are not user aliases (`net0` from live XML) are left out: libvirt drops them when
 * parsing device XML, so they could not match anyway.
 */
export function buildDetachXml(target: DetachTarget): string {
  const source = validateSourceDevice(target.source);
  const mac = target.mac === undefined ? undefined : normalizeMac(target.mac);
  let alias: string | undefined;
  if (target.alias !== undefined && target.alias.startsWith(USER_ALIAS_PREFIX)) {
    if (!USER_ALIAS_PATTERN.test(target.alias)) {
      throw new InvalidFieldError('alias', target.alias, "'ua-' then characters of [A-Za-z0-9_.-]");
    }
    alias = target.alias;
  }
  if (mac === undefined && alias === undefined) {
    // Without either, libvirt would detach whichever direct NIC it meets first.
    throw new InvalidFieldError('mac', undefined, `${MAC_RULE}, or a user alias (ua-…), to find the NIC by`);
  }
  const el: XmlElement = { $: { type: 'direct' } };
  if (mac !== undefined) el.mac = { $: { address: mac } };
  const src: Record<string, string> = { dev: source };
  if (target.mode !== undefined) {
    const mode = MACVTAP_MODES.find((m) => m === target.mode);
    if (mode === undefined) throw new InvalidFieldError('mode', target.mode, `one of ${MACVTAP_MODES.join(', ')}`, MACVTAP_MODES);
    src.mode = mode;
  }
  el.source = { $: src };
  if (alias !== undefined) el.alias = { $: { name: alias } };
  return renderXml('interface', el);
}
