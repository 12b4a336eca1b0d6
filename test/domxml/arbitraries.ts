// fast-check generators: valid specs (with the normalized spec they must become) and specs
// broken in exactly one known field (with the field the error must name).
import fc from 'fast-check';
import { MACVTAP_MODES, NIC_MODELS } from '../../lib/domxml/types.js';
import type { InterfaceSpec, MacvtapMode, NormalizedInterfaceSpec, NormalizedVirtualPort, VirtualPortSpec } from '../../lib/domxml/types.js';

/** The UUID tests inject as the generator's output, so normalized specs are predictable. */
export const FIXED_UUID = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0';

export const ifname = fc.stringMatching(/^[A-Za-z0-9_.-]{1,15}$/).filter((s) => s !== '.' && s !== '..');

const randomCase = (s: string): fc.Arbitrary<string> =>
  fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((ups) => [...s].map((c, i) => (ups[i] ? c.toUpperCase() : c)).join(''));

export const mac = fc
  .tuple(fc.integer({ min: 0, max: 127 }).map((n) => n * 2), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 5, maxLength: 5 }))
  .filter(([first, rest]) => first !== 0 || rest.some((b) => b !== 0))
  .map(([first, rest]) => [first, ...rest].map((b) => b.toString(16).padStart(2, '0')).join(':'))
  .chain(randomCase);

/** A UUID as a client may spell it: any case, dashed or not. */
export const uuidSpelling = fc.tuple(fc.uuid(), fc.boolean()).chain(([u, dashed]) => randomCase(dashed ? u : u.replaceAll('-', '')));

const qbg = fc.record(
  {
    managerid: fc.integer({ min: 1, max: 255 }),
    typeid: fc.integer({ min: 0, max: 0xffffff }),
    typeidversion: fc.integer({ min: 0, max: 255 }),
    instanceid: uuidSpelling,
  },
  { requiredKeys: ['managerid', 'typeid', 'typeidversion'] },
).map((r): VirtualPortSpec => ({ type: '802.1Qbg', ...r }));

const profileid = fc.stringMatching(/^[\x21-\x7e](?:[\x20-\x7e]{0,37}[\x21-\x7e])?$/);
const qbh = profileid.map((p): VirtualPortSpec => ({ type: '802.1Qbh', profileid: p }));

export const hvnetAlias = fc.stringMatching(/^[A-Za-z0-9_.-]{1,55}$/).map((s) => `ua-hvnet-${s}`);

function normalizeUuidForTest(u: string): string {
  const h = u.replaceAll('-', '').toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** What validateInterfaceSpec must make of `spec` (with FIXED_UUID injected), worked out independently. */
export function expectedNormalized(spec: InterfaceSpec): NormalizedInterfaceSpec {
  const out: NormalizedInterfaceSpec = { source: spec.source, mode: spec.mode ?? 'vepa', model: (spec.model ?? 'virtio') as NormalizedInterfaceSpec['model'] };
  if (spec.mac !== undefined) out.mac = spec.mac.toLowerCase();
  const vp = spec.virtualport;
  if (vp !== undefined) {
    const n: NormalizedVirtualPort =
      vp.type === '802.1Qbg'
        ? { type: vp.type, managerid: vp.managerid, typeid: vp.typeid, typeidversion: vp.typeidversion, instanceid: normalizeUuidForTest(vp.instanceid ?? FIXED_UUID) }
        : { type: vp.type, profileid: vp.profileid };
    out.virtualport = n;
  }
  if (spec.mtu !== undefined) out.mtu = spec.mtu;
  if (spec.alias !== undefined) out.alias = spec.alias;
  return out;
}

const modesFor = (vp: VirtualPortSpec | undefined): fc.Arbitrary<MacvtapMode | undefined> => {
  if (vp === undefined) return fc.option(fc.constantFrom(...MACVTAP_MODES), { nil: undefined });
  if (vp.type === '802.1Qbg') return fc.constantFrom<MacvtapMode | undefined>(undefined, 'vepa');
  return fc.constantFrom<MacvtapMode>('private', 'passthrough');
};

export const validSpec: fc.Arbitrary<InterfaceSpec> = fc
  .record(
    {
      source: ifname,
      model: fc.constantFrom(...NIC_MODELS),
      mac,
      virtualport: fc.oneof(qbg, qbh),
      mtu: fc.integer({ min: 68, max: 65535 }),
      alias: hvnetAlias,
    },
    { requiredKeys: ['source'] },
  )
  .chain((r) =>
    modesFor(r.virtualport).map((mode): InterfaceSpec => {
      const spec: InterfaceSpec = { ...r };
      if (mode !== undefined) spec.mode = mode;
      return spec;
    }),
  );

/** A spec with one field replaced by a bad value; `field` is what the error must name. */
export interface BrokenSpec {
  spec: Record<string, unknown>;
  field: string;
  value: unknown;
}

const notString = fc.oneof(fc.integer(), fc.constant(null), fc.boolean(), fc.constant([]), fc.constant({}));

const badTopLevel: Record<string, fc.Arbitrary<unknown>> = {
  source: fc.oneof(
    fc.constantFrom('', '.', '..', 'eth0/1', 'eth 0', 'eth\t0', 'br:0', 'veth@if3', 'way-too-long-name0', 'ümlaut'),
    fc.stringMatching(/^[A-Za-z0-9]{16,30}$/),
    notString,
  ),
  mode: fc.oneof(fc.constantFrom('vepa-typo', 'passthru', 'VEPA', 'Bridge', ''), notString),
  model: fc.oneof(fc.constantFrom('ne2k_pci', 'virtio-net', 'e1000-82545em', 'VIRTIO', 'usb-net', ''), notString),
  mac: fc.oneof(
    fc.constantFrom('01:00:5e:00:00:01', 'ff:ff:ff:ff:ff:ff', '00:00:00:00:00:00', '52:54:00:aa:00', '52-54-00-aa-00-04', '52:54:0:aa:00:04', '5254.00aa.0004', 'zz:54:00:aa:00:04'),
    fc.tuple(fc.integer({ min: 0, max: 127 }), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 5, maxLength: 5 })).map(([f, rest]) =>
      [f * 2 + 1, ...rest].map((b) => b.toString(16).padStart(2, '0')).join(':'),
    ),
    notString,
  ),
  mtu: fc.oneof(fc.integer({ max: 67 }), fc.integer({ min: 65536 }), fc.constantFrom(1500.5, Number.NaN, Infinity, '1500'), fc.constant(null)),
  alias: fc.oneof(
    fc.constantFrom('net0', 'ua-other', 'ua-hvnet-', 'ua-hvnet-a b', 'ua-hvnet-é', 'UA-HVNET-x', `ua-hvnet-${'x'.repeat(56)}`),
    notString,
  ),
};

const badQbg: Record<string, fc.Arbitrary<unknown>> = {
  managerid: fc.oneof(fc.constant(0), fc.integer({ min: 256 }), fc.integer({ max: -1 }), fc.constantFrom(1.5, '11', null)),
  typeid: fc.oneof(fc.integer({ min: 0x1000000 }), fc.integer({ max: -1 }), fc.constantFrom(0.5, '0x123456')),
  typeidversion: fc.oneof(fc.integer({ min: 256 }), fc.integer({ max: -1 }), fc.constantFrom(2.5, 'v2')),
  instanceid: fc.oneof(fc.constantFrom('', 'not-a-uuid', '09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4', '{09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f}', '09b11c538b5c4eeb8f00d84eaa0aaa4fg'), notString),
};

const badProfileid = fc.oneof(
  fc.constantFrom('', ' finance', 'finance ', 'fin\nance', 'fin\u0000ance', 'finanzabteilung-ünd-mehr', 'x'.repeat(40)),
  fc.stringMatching(/^[a-z]{40,60}$/),
  notString,
);

export const brokenSpec: fc.Arbitrary<BrokenSpec> = validSpec.chain((base) => {
  const choices: fc.Arbitrary<BrokenSpec>[] = Object.entries(badTopLevel).map(([field, bad]) =>
    bad.map((value) => ({ spec: { ...base, [field]: value }, field, value })),
  );
  choices.push(fc.constantFrom('mdoe', 'Source', 'vlan', 'type').map((key) => ({ spec: { ...base, [key]: 'x' }, field: key, value: 'x' })));
  const qbgBase = { type: '802.1Qbg', managerid: 11, typeid: 1193047, typeidversion: 2 };
  for (const [field, bad] of Object.entries(badQbg)) {
    choices.push(bad.map((value) => ({ spec: { ...base, mode: 'vepa', virtualport: { ...qbgBase, [field]: value } }, field: `virtualport.${field}`, value })));
  }
  choices.push(badProfileid.map((value) => ({ spec: { ...base, mode: 'private', virtualport: { type: '802.1Qbh', profileid: value } }, field: 'virtualport.profileid', value })));
  choices.push(
    fc.oneof(fc.constantFrom('802.1Qbg ', 'openvswitch', 'midonet', '802.1qbh', ''), notString).map((value) => ({
      spec: { ...base, mode: 'vepa', virtualport: { ...qbgBase, type: value } },
      field: 'virtualport.type',
      value,
    })),
  );
  return fc.oneof(...choices);
});

/** Valid fields, invalid pairing of mode and virtualport type. */
export const mismatchedMode: fc.Arbitrary<{ spec: InterfaceSpec; mode: MacvtapMode; type: string }> = fc.oneof(
  fc.tuple(validSpec, qbg, fc.constantFrom<MacvtapMode>('bridge', 'private', 'passthrough')).map(([s, vp, mode]) => ({ spec: { ...s, mode, virtualport: vp }, mode, type: vp.type })),
  fc.tuple(validSpec, qbh, fc.constantFrom<MacvtapMode | undefined>(undefined, 'vepa', 'bridge')).map(([s, vp, mode]) => {
    const spec: InterfaceSpec = { ...s, virtualport: vp };
    delete spec.mode;
    if (mode !== undefined) spec.mode = mode;
    return { spec, mode: mode ?? 'vepa', type: vp.type };
  }),
);
