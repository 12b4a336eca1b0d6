// JSON-RPC methods of the NIC feature: macvtap NICs (`<interface type='direct'>`) of libvirt
// domains. The params are deliberately loose where lib/domxml validates (mode, model, MAC,
// virtualport): its errors name the field, the rule and the bad value, which TypeBox's do not.
//
// Failures carry one code per reason (HVNET_NIC_…, with its class, in nic-errors.ts) and the
// reason in words in `details.reason`; libvirt's refusal adds `details.libvirt` (its code and
// message) and `details.hint`. Errors no reason fits keep the library's code (HVNET_DOMXML_…,
// HVNET_LIBVIRT_…, HVNET_MACPOOL_…).
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { defineMethod, params } from './methods.js';

export type { NicErrorReason } from './nic-errors.js';

export const NicKindSchema = Type.Union([Type.Literal('macvtap'), Type.Literal('bridge'), Type.Literal('network')], {
  description:
    'macvtap: <interface type=direct> on a host device; bridge: <interface type=bridge> on a host Linux bridge; network: a logical switch port of an hvnet OVN network, plugged into the integration bridge.',
});

const DomainName = Type.String({ minLength: 1, maxLength: 256, description: 'libvirt domain name.' });

export const VirtualPortParamsSchema = Type.Object(
  {
    type: Type.Union([Type.Literal('802.1Qbg'), Type.Literal('802.1Qbh')]),
    managerid: Type.Optional(Type.Integer()),
    typeid: Type.Optional(Type.Integer()),
    typeidversion: Type.Optional(Type.Integer()),
    instanceid: Type.Optional(Type.String()),
    profileid: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type VirtualPortParams = Static<typeof VirtualPortParamsSchema>;

export const nicAttachMethod = defineMethod({
  name: 'nic.attach',
  summary:
    'Attaches a NIC to a domain: a macvtap on a host device (source) or a tap on a host Linux bridge (bridge), exactly one of them; live and persistent on a running domain, persistent on a stopped one, unless live/config say otherwise; dryRun only returns the XML.',
  params: params({
    domain: DomainName,
    source: Type.Optional(Type.String({ description: 'Host device the macvtap sits on (a macvtap NIC).' })),
    bridge: Type.Optional(Type.String({ description: 'Host Linux bridge the tap joins (a bridge NIC): it must exist and be up.' })),
    network: Type.Optional(Type.String({ description: 'hvnet OVN network the NIC joins (a network NIC), looked up in `project` only.' })),
    ipv4: Type.Optional(Type.String({ description: 'network only: auto (default), none, or a free address of the subnet.' })),
    ipv6: Type.Optional(Type.String({ description: 'network only: auto (SLAAC, default) or none.' })),
    mode: Type.Optional(Type.String({ description: 'macvtap only: vepa (default), bridge, private, passthrough.' })),
    model: Type.Optional(Type.String({ description: 'virtio (default), e1000, e1000e, rtl8139, vmxnet3, …' })),
    mac: Type.Optional(Type.String({ description: 'Default: the next free MAC of the pool.' })),
    virtualport: Type.Optional(VirtualPortParamsSchema),
    live: Type.Optional(Type.Boolean()),
    config: Type.Optional(Type.Boolean()),
    dryRun: Type.Optional(Type.Boolean()),
  }),
  result: Type.Object(
    {
      domain: Type.String(),
      kind: NicKindSchema,
      mac: Type.String(),
      alias: Type.String(),
      source: Type.Optional(Type.String({ description: 'macvtap: the host device.' })),
      mode: Type.Optional(Type.String({ description: 'macvtap: its mode.' })),
      bridge: Type.Optional(Type.String({ description: 'bridge and network: the host bridge (network: the integration bridge).' })),
      network: Type.Optional(Type.String({ description: 'network: project/network.' })),
      port: Type.Optional(Type.String({ description: 'network: the logical switch port (a UUID, libvirt\'s interfaceid).' })),
      addresses: Type.Optional(Type.Array(Type.String(), { description: 'network: the addresses of the port (IPv4 from OVN DHCP, IPv6 by SLAAC).' })),
      nbOperations: Type.Optional(Type.Array(Type.Unknown(), { description: 'network, with dryRun: the NB transaction the attach would send.' })),
      model: Type.String(),
      live: Type.Boolean({ description: 'Attached to the running domain (or would be, with dryRun).' }),
      config: Type.Boolean({ description: 'Added to the persistent definition (or would be).' }),
      dryRun: Type.Boolean(),
      target: Type.Optional(Type.String({ description: 'The macvtap or tap device, after a live attach.' })),
      xml: Type.String({ description: 'The device XML given to libvirt.' }),
      warnings: Type.Array(Type.String()),
    },
    { additionalProperties: false },
  ),
});

export const nicDetachMethod = defineMethod({
  name: 'nic.detach',
  summary:
    'Detaches a NIC (by MAC or alias) from the running domain, waiting until the guest released it, and from the persistent definition when it is there.',
  params: params({
    domain: DomainName,
    nic: Type.String({ minLength: 1, description: 'MAC address or alias (ua-hvnet-…, or net0 on a running domain).' }),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000, description: 'How long the guest gets to release the device (default 10000).' })),
  }),
  result: Type.Object(
    {
      domain: Type.String(),
      mac: Type.String(),
      alias: Type.Optional(Type.String()),
      live: Type.Boolean({ description: 'Removed from the running domain.' }),
      config: Type.Boolean({ description: 'Removed from the persistent definition.' }),
      releasedMs: Type.Optional(Type.Number({ description: 'From the live detach to DEVICE_REMOVED.' })),
      port: Type.Optional(Type.String({ description: 'network: the logical switch port removed.' })),
      freed: Type.Optional(Type.Array(Type.String(), { description: 'network: the addresses free again.' })),
      staleOvsPorts: Type.Optional(Type.Array(Type.String(), { description: 'network: OVS ports libvirt left behind, removed by hvnetd.' })),
    },
    { additionalProperties: false },
  ),
});

export const NicRowSchema = Type.Object(
  {
    domain: Type.String(),
    kind: NicKindSchema,
    mac: Type.String(),
    source: Type.Optional(Type.String({ description: 'macvtap: the host device.' })),
    mode: Type.Optional(Type.String({ description: 'macvtap: its mode.' })),
    bridge: Type.Optional(Type.String({ description: 'bridge and network: the host bridge.' })),
    network: Type.Optional(Type.String({ description: 'network: project/network.' })),
    addresses: Type.Optional(Type.Array(Type.String(), { description: 'network: the addresses of its port.' })),
    model: Type.Optional(Type.String()),
    virtualport: Type.Optional(Type.String({ description: 'e.g. 802.1Qbh profileid=finance' })),
    target: Type.Optional(Type.String()),
    alias: Type.Optional(Type.String()),
    state: Type.Union([Type.Literal('live+config'), Type.Literal('live'), Type.Literal('config')]),
    managed: Type.Boolean({ description: "hvnet made it (its alias is hvnet's, ua-hvnet-<MAC>); false for a NIC made another way (virsh, another tool)." }),
  },
  { additionalProperties: false },
);
export type NicRow = Static<typeof NicRowSchema>;

export const nicListMethod = defineMethod({
  name: 'nic.list',
  summary: 'The NICs of every domain (or one) of a kind hvnet knows (macvtap, bridge): live, persistent, or both.',
  params: params({ domain: Type.Optional(DomainName) }),
  result: Type.Object({ nics: Type.Array(NicRowSchema) }, { additionalProperties: false }),
});

export const nicPoolMethod = defineMethod({
  name: 'nic.pool',
  summary: "The MAC pool: range, hvnet's allocations in it, the other MACs of this host's domains, and duplicate MACs.",
  params: params({}),
  result: Type.Object(
    {
      range: Type.String(),
      allocations: Type.Array(
        Type.Object(
          {
            mac: Type.String(),
            domain: Type.String(),
            alias: Type.Optional(Type.String()),
            pending: Type.Optional(Type.Boolean({ description: 'Reserved by an attach whose outcome is not known yet (libvirtd went away), or held by an orphan macvtap.' })),
          },
          { additionalProperties: false, description: "hvnet's NICs with a MAC inside the range." },
        ),
      ),
      foreign: Type.Array(
        Type.Object(
          {
            mac: Type.String(),
            domain: Type.String(),
            alias: Type.Optional(Type.String()),
            reason: Type.Union([Type.Literal('not-hvnet'), Type.Literal('outside-range')], {
              description: 'not-hvnet: a NIC hvnet did not make; outside-range: hvnet made it with a MAC outside the range (--mac).',
            }),
          },
          { additionalProperties: false },
        ),
        { description: 'MACs of the domains that are not hvnet allocations in the range: never handed out, not counted as allocations.' },
      ),
      duplicates: Type.Array(Type.Object({ mac: Type.String(), holders: Type.Array(Type.String()) }, { additionalProperties: false })),
      duplicatesSeen: Type.Integer({ minimum: 0, description: 'Duplicates found by rebuilds since hvnetd started.' }),
    },
    { additionalProperties: false },
  ),
});
