// Every domain of the host with its direct NICs, live and persistent, read from libvirt in one go:
// what duplicate checks, the MAC pool rebuild, `nic list` and the status are computed from.
import { DomainXmlFlags, ListDomainsFlags } from '../../../../lib/libvirt/constants.js';
import type { DomainInfo } from '../../../../lib/libvirt/connection.js';
import { LibvirtCallError } from '../../../../lib/libvirt/errors.js';
import { listInterfaceIdentities, parseDomainInterfaces } from '../../../../lib/domxml/parse.js';
import type { InterfaceIdentity } from '../../../../lib/domxml/parse.js';
import type { DomainInterface, DomainVirtualPort } from '../../../../lib/domxml/types.js';
import type { DomainBridgeInterface } from '../../../../lib/domxml/bridge-types.js';
import { parseDomainNics } from '../../../../lib/domxml/nic-kinds.js';
import type { InUse } from '../../../../lib/macpool/pool.js';
import { hvnetAlias } from '../../../../lib/nic/alias.js';
import type { NicRow } from '../../../api/nics.js';
import type { LibvirtLink } from './libvirt-link.js';

export interface DomainSide {
  xml: string;
  direct: DomainInterface[];
  /** `<interface type='bridge'>` NICs. */
  bridges: DomainBridgeInterface[];
  /** MAC and alias of every NIC of any type. */
  ids: InterfaceIdentity[];
}

export interface DomainView {
  info: DomainInfo;
  active: boolean;
  persistent: boolean;
  live?: DomainSide;
  config?: DomainSide;
}

export function side(xml: string): DomainSide {
  const bridges = parseDomainNics(xml).filter((n): n is DomainBridgeInterface => n.kind === 'bridge');
  return { xml, direct: parseDomainInterfaces(xml), bridges, ids: listInterfaceIdentities(xml) };
}

/** A domain that vanished between the listing and the XML read is left out. */
async function xmlOrGone(link: LibvirtLink, dom: DomainInfo, flags: number): Promise<string | undefined> {
  try {
    return await link.call('getXMLDesc', (c) => c.getDomainXml(dom, flags));
  } catch (e) {
    if (e instanceof LibvirtCallError && e.isNoDomain) return undefined;
    throw e;
  }
}

/** The domain's persistent definition; undefined when the domain is gone. */
export async function readConfig(link: LibvirtLink, info: DomainInfo): Promise<DomainSide | undefined> {
  const xml = await xmlOrGone(link, info, DomainXmlFlags.INACTIVE);
  return xml === undefined ? undefined : side(xml);
}

export async function readDomain(link: LibvirtLink, info: DomainInfo, persistent: boolean): Promise<DomainView | undefined> {
  const view: DomainView = { info, active: info.id >= 0, persistent };
  if (view.active) {
    const xml = await xmlOrGone(link, info, 0);
    if (xml === undefined) return undefined;
    view.live = side(xml);
  }
  if (persistent) {
    const config = await readConfig(link, info);
    if (config === undefined) return undefined;
    view.config = config;
  }
  return view;
}

export async function readInventory(link: LibvirtLink): Promise<DomainView[]> {
  const [all, persistent] = await Promise.all([
    link.call('listAllDomains', (c) => c.listAllDomains(0)),
    link.call('listAllDomains', (c) => c.listAllDomains(ListDomainsFlags.PERSISTENT)),
  ]);
  const isPersistent = new Set(persistent.map((d) => d.uuid));
  const views = await Promise.all(all.map((d) => readDomain(link, d, isPersistent.has(d.uuid))));
  return views.filter((v): v is DomainView => v !== undefined).sort((a, b) => a.info.name.localeCompare(b.info.name));
}

/**
 * MACs in use for the pool: a NIC present both live and in the persistent definition counts
 * once; two NICs of one domain with the same MAC count twice (a duplicate).
 */
export function macsInUse(views: readonly DomainView[]): InUse[] {
  const out: InUse[] = [];
  for (const v of views) {
    const count = (ids: readonly InterfaceIdentity[] | undefined): Map<string, { n: number; alias?: string }> => {
      const m = new Map<string, { n: number; alias?: string }>();
      for (const i of ids ?? []) {
        if (i.mac === undefined) continue;
        const e = m.get(i.mac) ?? { n: 0 };
        e.n += 1;
        if (i.alias?.startsWith('ua-') && e.alias === undefined) e.alias = i.alias;
        m.set(i.mac, e);
      }
      return m;
    };
    const live = count(v.live?.ids);
    const config = count(v.config?.ids);
    for (const mac of new Set([...live.keys(), ...config.keys()])) {
      const l = live.get(mac);
      const c = config.get(mac);
      const n = Math.max(l?.n ?? 0, c?.n ?? 0);
      const alias = l?.alias ?? c?.alias;
      for (let i = 0; i < n; i++) out.push({ mac, domain: v.info.name, ...(alias === undefined ? {} : { alias }) });
    }
  }
  return out;
}

export function virtualPortText(vp: DomainVirtualPort | undefined): string | undefined {
  if (vp === undefined) return undefined;
  if (vp.type === 'other') return vp.declaredType ?? 'other';
  if (vp.type === '802.1Qbh') return `802.1Qbh${vp.profileid === undefined ? '' : ` profileid=${vp.profileid}`}`;
  const parts = ['802.1Qbg'];
  if (vp.managerid !== undefined) parts.push(`managerid=${vp.managerid}`);
  if (vp.typeid !== undefined) parts.push(`typeid=${vp.typeid}`);
  if (vp.typeidversion !== undefined) parts.push(`typeidversion=${vp.typeidversion}`);
  if (vp.instanceid !== undefined) parts.push(`instanceid=${vp.instanceid}`);
  return parts.join(' ');
}

function row(domain: string, i: DomainInterface, state: NicRow['state']): NicRow {
  // hvnet names every NIC it makes after its MAC; libvirt keeps such a user alias in both copies.
  const managed = i.mac !== undefined && i.alias === hvnetAlias(i.mac);
  const r: NicRow = { domain, kind: 'macvtap', mac: i.mac ?? '', source: i.source, mode: i.mode, state, managed };
  if (i.model !== undefined) r.model = i.model;
  const vp = virtualPortText(i.virtualport);
  if (vp !== undefined) r.virtualport = vp;
  if (i.targetDev !== undefined) r.target = i.targetDev;
  if (i.alias !== undefined) r.alias = i.alias;
  return r;
}

function bridgeRow(domain: string, i: DomainBridgeInterface, state: NicRow['state']): NicRow {
  const managed = i.mac !== undefined && i.alias === hvnetAlias(i.mac);
  const r: NicRow = { domain, kind: 'bridge', mac: i.mac ?? '', bridge: i.bridge, state, managed };
  if (i.model !== undefined) r.model = i.model;
  if (i.virtualport !== undefined) r.virtualport = i.virtualport.type === 'openvswitch' ? `openvswitch${i.virtualport.interfaceid === undefined ? '' : ` interfaceid=${i.virtualport.interfaceid}`}` : (i.virtualport.declaredType ?? 'other');
  if (i.targetDev !== undefined) r.target = i.targetDev;
  if (i.alias !== undefined) r.alias = i.alias;
  return r;
}

/** Live and persistent copies (same MAC) merged into one row each. */
function merged<T extends { mac?: string | undefined }>(live: readonly T[], persistent: readonly T[], make: (i: T, state: NicRow['state']) => NicRow): NicRow[] {
  const rows: NicRow[] = [];
  const config = [...persistent];
  for (const l of live) {
    const i = config.findIndex((c) => c.mac !== undefined && c.mac === l.mac);
    if (i >= 0) config.splice(i, 1);
    rows.push(make(l, i >= 0 ? 'live+config' : 'live'));
  }
  for (const c of config) rows.push(make(c, 'config'));
  return rows;
}

/** One row per direct and bridge NIC: live and persistent copies (same MAC) merged. */
export function nicRows(views: readonly DomainView[]): NicRow[] {
  const rows: NicRow[] = [];
  for (const v of views) {
    const name = v.info.name;
    rows.push(...merged(v.live?.direct ?? [], v.config?.direct ?? [], (i, st) => row(name, i, st)));
    rows.push(...merged(v.live?.bridges ?? [], v.config?.bridges ?? [], (i, st) => bridgeRow(name, i, st)));
  }
  return rows;
}
