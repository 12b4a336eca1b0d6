// The gate for bridge NICs, as validate.ts is for direct ones: a client's spec becomes a
// NormalizedBridgeInterfaceSpec or an error naming the field, the rule and the bad value.
import { InvalidFieldError, UnsupportedCombinationError } from './errors.js';
import { GENERATED_TAP_PREFIXES, MTU_MAX, MTU_MIN, TARGET_DEV_RULE } from './limits.js';
import { NIC_MODELS } from './types.js';
import type { NicModel } from './types.js';
import { BRIDGE_VIRTUALPORT_TYPES, HOST_CSUM_VALUES } from './bridge-types.js';
import type { NormalizedBridgeInterfaceSpec, OpenvswitchPort } from './bridge-types.js';
import {
  integerIn,
  isPlainObject,
  normalizeMac,
  normalizeUuid,
  oneOf,
  refuseUnknownFields,
  validateAlias,
  validateSourceDevice,
} from './validate.js';

const BRIDGE_FIELDS = ['kind', 'bridge', 'model', 'mac', 'virtualport', 'targetDev', 'hostCsum', 'mtu', 'alias'] as const;
const OPENVSWITCH_FIELDS = ['type', 'interfaceid'] as const;

/** QEMU only takes `<host csum>` on virtio-net; libvirt drops it silently for other models. */
export const HOST_CSUM_MODELS: readonly NicModel[] = NIC_MODELS.filter((m) => m.startsWith('virtio'));

/** A name libvirt would keep: it replaces one that looks like its own taps (limits.ts). */
export function validateTargetDev(value: unknown, field = 'targetDev'): string {
  const name = validateSourceDevice(value, field);
  if (GENERATED_TAP_PREFIXES.some((p) => name.startsWith(p))) throw new InvalidFieldError(field, value, TARGET_DEV_RULE);
  return name;
}

function validateOpenvswitchPort(value: unknown): OpenvswitchPort {
  if (!isPlainObject(value)) throw new InvalidFieldError('virtualport', value, 'an object with a type');
  const type = oneOf(value.type, BRIDGE_VIRTUALPORT_TYPES, 'virtualport.type');
  refuseUnknownFields(value, OPENVSWITCH_FIELDS, 'virtualport');
  return { type, interfaceid: normalizeUuid(value.interfaceid, 'virtualport.interfaceid') };
}

/**
 * Checks a client's bridge spec (`kind: 'bridge'`) and fills the model (virtio). Throws
 * InvalidFieldError or UnsupportedCombinationError.
 */
export function validateBridgeInterfaceSpec(input: unknown): NormalizedBridgeInterfaceSpec {
  if (!isPlainObject(input)) throw new InvalidFieldError('spec', input, 'an object');
  refuseUnknownFields(input, BRIDGE_FIELDS, '');
  const kind = oneOf(input.kind, ['bridge'] as const, 'kind');
  const bridge = validateSourceDevice(input.bridge, 'bridge');
  const model: NicModel = input.model === undefined ? 'virtio' : oneOf(input.model, NIC_MODELS, 'model');
  const spec: NormalizedBridgeInterfaceSpec = { kind, bridge, model };
  if (input.mac !== undefined) spec.mac = normalizeMac(input.mac);
  if (input.virtualport !== undefined) spec.virtualport = validateOpenvswitchPort(input.virtualport);
  if (input.targetDev !== undefined) spec.targetDev = validateTargetDev(input.targetDev);
  if (input.hostCsum !== undefined) {
    spec.hostCsum = oneOf(input.hostCsum, HOST_CSUM_VALUES, 'hostCsum');
    if (!HOST_CSUM_MODELS.includes(model)) {
      throw new UnsupportedCombinationError('model', model, 'hostCsum', spec.hostCsum, HOST_CSUM_MODELS);
    }
  }
  if (input.mtu !== undefined) spec.mtu = integerIn(input.mtu, MTU_MIN, MTU_MAX, 'mtu');
  if (input.alias !== undefined) spec.alias = validateAlias(input.alias);
  return spec;
}
