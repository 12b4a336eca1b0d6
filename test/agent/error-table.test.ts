// The one error table: every code a library or the agent declares has a class, a JSON-RPC number
// and an exit code, and survives the trip daemon → socket → CLI with its code and class; every
// error type of lib/ is exercised and throws a code of its own library's table; the agent throws
// no code it does not declare and declares none it never throws.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CLASSES, isClassifiedError } from '../../lib/errors.js';
import type { ClassifiedError, ErrorClass } from '../../lib/errors.js';
import * as domxml from '../../lib/domxml/errors.js';
import * as libvirt from '../../lib/libvirt/errors.js';
import * as macpool from '../../lib/macpool/errors.js';
import * as nic from '../../lib/nic/errors.js';
import * as ovn from '../../lib/ovn/errors.js';
import * as ovsdb from '../../lib/ovsdb/errors.js';
import {
  AGENT_ERRORS,
  CLASS_MAPPING,
  CODE_OVERRIDES,
  ERROR_TABLES,
  EXIT,
  HvnetError,
  RPC,
  asHvnetError,
  classOf,
  fromRpcError,
  isHvnetErrorCode,
  mappingOf,
} from '../../agent/api/errors.js';
import type { HvnetErrorCode } from '../../agent/api/errors.js';
import { NIC_ERRORS, NIC_REASONS } from '../../agent/api/nic-errors.js';
import { NicError, toNicError } from '../../agent/daemon/features/nics/errors.js';
import { fromOvnError } from '../../agent/daemon/features/networks/errors.js';
import { REPO } from './harness.js';

const op = { opIndex: 0, op: 'insert', table: 'T', error: 'x' };
const dom = { name: 'vm1' };
const vir = { virCode: 1, virDomain: 10, virMessage: 'no', level: 2 };

/** One instance of every error type in lib/, keyed by library and type name. */
const REPRESENTATIVES: Record<string, { table: Readonly<Record<string, ErrorClass>>; errors: Record<string, ClassifiedError> }> = {
  domxml: {
    table: domxml.DOMXML_ERRORS,
    errors: {
      DomXmlError: new domxml.DomXmlError('HVNET_DOMXML_INVALID_FIELD', 'x'),
      InvalidFieldError: new domxml.InvalidFieldError('mode', 'x', 'vepa'),
      UnsupportedCombinationError: new domxml.UnsupportedCombinationError('mode', 'bridge', 'virtualport.type', '802.1Qbh', ['private']),
      SourceInUseError: new domxml.SourceInUseError('eth0', 'passthrough', { mode: 'bridge', mac: undefined, alias: undefined }),
      DuplicateIdentityError: new domxml.DuplicateIdentityError('mac', '02:00:00:00:00:01'),
      MalformedXmlError: new domxml.MalformedXmlError('domain', 'x'),
      QbgSourceRefusedError: new domxml.QbgSourceRefusedError('veth0', 'veth', 'x'),
    },
  },
  libvirt: {
    table: libvirt.LIBVIRT_ERRORS,
    errors: {
      LibvirtError: new libvirt.LibvirtError('HVNET_LIBVIRT_CALL_FAILED', 'x'),
      LibvirtCallError: new libvirt.LibvirtCallError('virDomainLookupByName', vir, dom),
      LibvirtTimeoutError: new libvirt.LibvirtTimeoutError('virDomainAttachDevice', 100, true, dom),
      LibvirtDisconnectedError: new libvirt.LibvirtDisconnectedError('virDomainAttachDevice', true, 'x'),
      LibvirtClosedError: new libvirt.LibvirtClosedError('virDomainAttachDevice'),
      DeviceNotReleasedError: new libvirt.DeviceNotReleasedError('ua-x', 100, dom),
      DeviceRemovalFailedError: new libvirt.DeviceRemovalFailedError('ua-x', dom),
      DeviceNotFoundError: new libvirt.DeviceNotFoundError('mac x', dom),
      LibvirtWorkerError: new libvirt.LibvirtWorkerError('x'),
    },
  },
  macpool: {
    table: macpool.MACPOOL_ERRORS,
    errors: {
      MacPoolError: new macpool.MacPoolError('HVNET_MACPOOL_STATE', 'x'),
      InvalidMacError: new macpool.InvalidMacError('mac', 'x', 'is not a MAC'),
      InvalidRangeError: new macpool.InvalidRangeError('range', 'x', 'is empty'),
      PoolExhaustedError: new macpool.PoolExhaustedError('02:68:76:00:00:00/24'),
      DuplicateMacError: new macpool.DuplicateMacError('02:68:76:00:00:01', 'vm1', 'vm2'),
      PoolStateError: new macpool.PoolStateError('/x', 'unreadable'),
    },
  },
  nic: {
    table: nic.NIC_PLAN_ERRORS,
    errors: {
      NicPlanError: new nic.NicPlanError('HVNET_NICPLAN_NOTHING_TO_DO', 'x'),
      NothingToDoError: new nic.NothingToDoError('vm1'),
      DomainNotRunningError: new nic.DomainNotRunningError('vm1'),
      DomainNotPersistentError: new nic.DomainNotPersistentError('vm1'),
      SourceMissingError: new nic.SourceMissingError('eth0'),
      MacInUseError: new nic.MacInUseError('02:68:76:00:00:01', 'vm1', 'vm2'),
      NicNotFoundError: new nic.NicNotFoundError('vm1', 'net9', ['02:68:76:00:00:01']),
      BridgeNotUsableError: new nic.BridgeNotUsableError('br0', 'openvswitch'),
      OvsUnreachableError: new nic.OvsUnreachableError('/run/openvswitch/db.sock', 'no connection'),
    },
  },
  ovn: {
    table: ovn.OVN_ERRORS,
    errors: {
      OvnError: new ovn.OvnError('HVNET_OVN_CONFLICT', 'x'),
      InvalidNameError: new ovn.InvalidNameError('x', { field: 'name' }),
      InvalidTargetError: new ovn.InvalidTargetError('x', { field: 'target' }),
      InvalidCidrError: new ovn.InvalidCidrError('x', { field: 'ipv4' }),
      InvalidConfigError: new ovn.InvalidConfigError('x', { field: 'config.x' }),
      InvalidInputError: new ovn.InvalidInputError('x', { field: 'description' }),
      ReadOnlyFieldError: new ovn.ReadOnlyFieldError('x', { field: 'name' }),
      ProjectNotFoundError: new ovn.ProjectNotFoundError({ project: 'p' }),
      ProjectExistsError: new ovn.ProjectExistsError({ project: 'p' }),
      ProjectNotEmptyError: new ovn.ProjectNotEmptyError({ project: 'p' }, ['a']),
      ProjectProtectedError: new ovn.ProjectProtectedError({ project: 'default' }),
      NetworkNotFoundError: new ovn.NetworkNotFoundError({ project: 'p', network: 'a' }),
      NetworkExistsError: new ovn.NetworkExistsError({ project: 'p', network: 'a' }),
      NetworkHasForeignPortsError: new ovn.NetworkHasForeignPortsError({ project: 'p', network: 'a' }, ['vm1']),
      PeeringNotFoundError: new ovn.PeeringNotFoundError({ network: 'a', peering: 'x' }),
      PeeringExistsError: new ovn.PeeringExistsError({ network: 'a', peering: 'x' }),
      PeeringTargetTakenError: new ovn.PeeringTargetTakenError({ network: 'a' }, 'x', 'p/b'),
      SelfPeeringError: new ovn.SelfPeeringError({ network: 'a' }),
      OvnConflictError: new ovn.OvnConflictError(25, {}),
      OvnOutcomeUnknownError: new ovn.OvnOutcomeUnknownError(5, {}),
      SchemaMissingError: new ovn.SchemaMissingError('Logical_Router', 'options', '5.0.0'),
      WaitTimeoutError: new ovn.WaitTimeoutError('sb', 3, 100),
      IdsExhaustedError: new ovn.IdsExhaustedError(4095),
      AddressInUseError: new ovn.AddressInUseError({ network: 'a' }, '10.0.0.2', 'port x'),
      SubnetFullError: new ovn.SubnetFullError({ network: 'a' }, '10.0.0.0/29', 6),
      NetworkHasVmPortsError: new ovn.NetworkHasVmPortsError({ network: 'a' }, ['vm1']),
      PortNotFoundError: new ovn.PortNotFoundError({}, 'x'),
    },
  },
  ovsdb: {
    table: ovsdb.OVSDB_ERRORS,
    errors: {
      OvsdbError: new ovsdb.OvsdbError('HVNET_OVSDB_PROTOCOL', 'x'),
      InvalidRemoteError: new ovsdb.InvalidRemoteError('x', 'why'),
      MessageTooLargeError: new ovsdb.MessageTooLargeError(10, 11),
      FramingError: new ovsdb.FramingError('bad', 3),
      ProtocolError: new ovsdb.ProtocolError('bad'),
      SchemaParseError: new ovsdb.SchemaParseError('$.x', 'bad'),
      SchemaValidationError: new ovsdb.SchemaValidationError('enum', 'bad'),
      DecodeError: new ovsdb.DecodeError('T', 'c', 'bad'),
      UpdateDroppedError: new ovsdb.UpdateDroppedError('the connection closed'),
      OperationError: new ovsdb.OperationError('HVNET_OVSDB_OPERATION_FAILED', op),
      ConstraintViolationError: new ovsdb.ConstraintViolationError(op),
      ReferentialIntegrityError: new ovsdb.ReferentialIntegrityError(op),
      ResourcesExhaustedError: new ovsdb.ResourcesExhaustedError(op),
      OvsdbIoError: new ovsdb.OvsdbIoError(op),
      DuplicateUuidNameError: new ovsdb.DuplicateUuidNameError(op),
      DomainError: new ovsdb.DomainError(op),
      OvsdbRangeError: new ovsdb.OvsdbRangeError(op),
      WaitTimedOutError: new ovsdb.WaitTimedOutError(op),
      NotSupportedError: new ovsdb.NotSupportedError(op),
      AbortedError: new ovsdb.AbortedError(op),
      NotOwnerError: new ovsdb.NotOwnerError(op),
      OperationFailedError: new ovsdb.OperationFailedError(op),
      OutcomeUnknownError: new ovsdb.OutcomeUnknownError(),
      TransportError: new ovsdb.TransportError('unix:/x', 'closed'),
      RpcError: new ovsdb.RpcError('transact', { error: 'unknown database' }),
    },
  },
};

const ALL_CODES = Object.values(ERROR_TABLES).flatMap((t) => Object.keys(t));
const RPC_NUMBERS = new Set<number>(Object.values(RPC));
const EXIT_CODES = new Set<number>(Object.values(EXIT));

/** The string literals that look like hvnet codes in the .ts files under `dir`. */
function codesIn(dir: string, skip: (file: string) => boolean): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !skip(p)) {
        // Environment variables share the prefix; they are named by `…_ENV = 'HVNET_…'` constants.
        const lines = readFileSync(p, 'utf8').split('\n').filter((l) => !/_ENV = '/.test(l));
        for (const m of lines.join('\n').matchAll(/'(HVNET_[A-Z0-9_]+)'/g)) found.set(m[1] ?? '', p);
      }
    }
  };
  walk(dir);
  return found;
}

describe('agent: the one error table', () => {
  it('no code is declared twice; every class is one of lib/errors.ts', () => {
    assert.equal(new Set(ALL_CODES).size, ALL_CODES.length, 'a code declared in two tables');
    for (const table of Object.values(ERROR_TABLES)) for (const [code, cls] of Object.entries(table)) assert.ok(ERROR_CLASSES.includes(cls), `${code}: ${cls}`);
    for (const cls of ERROR_CLASSES) assert.ok(CLASS_MAPPING[cls], cls);
    for (const code of Object.keys(CODE_OVERRIDES)) assert.ok(isHvnetErrorCode(code), `override of undeclared ${code}`);
  });

  it('every code of every table has a JSON-RPC number and an exit code, and round-trips daemon → CLI with its code and class', () => {
    for (const code of ALL_CODES) {
      assert.ok(isHvnetErrorCode(code), code);
      const { rpc, exit } = mappingOf(code);
      assert.ok(RPC_NUMBERS.has(rpc), `${code}: rpc ${rpc}`);
      assert.ok(EXIT_CODES.has(exit) && exit !== EXIT.ok, `${code}: exit ${exit}`);
      const sent = new HvnetError(code, `message of ${code}`, { field: 'x' });
      const wire = JSON.parse(JSON.stringify(sent.toRpcError())) as unknown;
      const got = fromRpcError(wire);
      assert.equal(got.code, code);
      assert.equal(got.errorClass, classOf(code));
      assert.equal(got.exitCode, exit);
      assert.equal(got.message, sent.message);
      assert.deepEqual(got.details, { field: 'x' });
    }
  });

  it('exit 2 is the command line only; 75 outcome unknown; 78 configuration', () => {
    const withExit = (n: number): string[] => ALL_CODES.filter((c) => mappingOf(c as HvnetErrorCode).exit === n).sort();
    assert.deepEqual(withExit(EXIT.usage), ['HVNET_USAGE']);
    assert.deepEqual(withExit(EXIT.outcomeUnknown), ['HVNET_NIC_OUTCOME_UNKNOWN', 'HVNET_OVN_OUTCOME_UNKNOWN', 'HVNET_OVSDB_OUTCOME_UNKNOWN']);
    assert.deepEqual(withExit(EXIT.config), ['HVNET_CONFIG_INVALID', 'HVNET_CONFIG_UNREADABLE', 'HVNET_OVN_SCHEMA_MISSING']);
    for (const c of ['HVNET_INVALID_PARAMS', 'HVNET_INVALID_ARGUMENT', 'HVNET_OVN_INVALID_NAME', 'HVNET_NIC_DUPLICATE_MAC', 'HVNET_NIC_DOMAIN_NOT_RUNNING', 'HVNET_NIC_SOURCE_MISSING'] as const) {
      assert.equal(mappingOf(c).exit, EXIT.failure, c);
    }
  });

  it('an unknown code from the daemon is a protocol error, not a guess', () => {
    const got = fromRpcError({ code: -32000, message: 'x', data: { code: 'HVNET_NO_SUCH_CODE' } });
    assert.equal(got.code, 'HVNET_DAEMON_PROTOCOL');
  });

  it('every error type of lib/ has a representative here, and each throws a code of its own library with that code\'s class', () => {
    for (const lib of readdirSync(join(REPO, 'lib'), { withFileTypes: true }).filter((e) => e.isDirectory())) {
      const file = join(REPO, 'lib', lib.name, 'errors.ts');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      const rep = REPRESENTATIVES[lib.name];
      assert.ok(rep, `lib/${lib.name}/errors.ts has no representatives in this test`);
      const declared = [...text.matchAll(/^export class (\w+) extends/gm)].map((m) => m[1] ?? '');
      assert.deepEqual(Object.keys(rep.errors).sort(), declared.sort(), `lib/${lib.name}: error types`);
      const thrown = new Set<string>();
      for (const [name, e] of Object.entries(rep.errors)) {
        assert.ok(isClassifiedError(e), name);
        assert.ok(Object.hasOwn(rep.table, e.code), `${name}: ${e.code} is not in lib/${lib.name}'s table`);
        assert.equal(e.errorClass, rep.table[e.code], name);
        const h = asHvnetError(e);
        assert.equal(h.code, e.code, `${name} keeps its code`);
        assert.equal(h.errorClass, e.errorClass, `${name} keeps its class`);
        thrown.add(e.code);
      }
      assert.deepEqual([...thrown].sort(), Object.keys(rep.table).sort(), `lib/${lib.name}: codes no error type throws`);
    }
  });

  it('lib/ovn errors keep their code and class through fromOvnError', () => {
    for (const e of Object.values(REPRESENTATIVES.ovn?.errors ?? {})) {
      const h = fromOvnError(e);
      assert.equal(h.code, e.code);
      assert.equal(h.errorClass, e.errorClass);
    }
  });

  it('NIC failures: one code per reason, details.reason kept; a library error no reason fits keeps its own code', () => {
    assert.deepEqual(Object.values(NIC_REASONS).sort(), Object.keys(NIC_ERRORS).sort());
    for (const [reason, code] of Object.entries(NIC_REASONS)) {
      const e = new NicError(reason as keyof typeof NIC_REASONS, 'x');
      assert.equal(e.code, code);
      assert.equal(e.details.reason, reason);
    }
    const mapped: [Error, string][] = [
      [new domxml.DuplicateIdentityError('mac', '02:00:00:00:00:01'), 'HVNET_NIC_DUPLICATE_MAC'],
      [new domxml.DuplicateIdentityError('alias', 'ua-x'), 'HVNET_NIC_DUPLICATE_ALIAS'],
      [new macpool.DuplicateMacError('02:68:76:00:00:01', 'vm1', 'vm2'), 'HVNET_NIC_DUPLICATE_MAC'],
      [new nic.MacInUseError('02:68:76:00:00:01', 'vm1', 'vm2'), 'HVNET_NIC_DUPLICATE_MAC'],
      [new nic.DomainNotRunningError('vm1'), 'HVNET_NIC_DOMAIN_NOT_RUNNING'],
      [new nic.DomainNotPersistentError('vm1'), 'HVNET_NIC_DOMAIN_NOT_PERSISTENT'],
      [new nic.SourceMissingError('eth0'), 'HVNET_NIC_SOURCE_MISSING'],
      [new nic.BridgeNotUsableError('br0', 'down'), 'HVNET_NIC_BRIDGE_NOT_USABLE'],
      [new nic.OvsUnreachableError('/x', 'y'), 'HVNET_NIC_OVS_UNREACHABLE'],
      [new nic.NothingToDoError('vm1'), 'HVNET_NIC_INVALID_FIELD'],
      [new nic.NicNotFoundError('vm1', 'net9', []), 'HVNET_NIC_NOT_FOUND'],
      [new libvirt.LibvirtCallError('virDomainLookupByName', { ...vir, virCode: 42 }), 'HVNET_NIC_DOMAIN_NOT_FOUND'],
      [new libvirt.LibvirtCallError('virDomainAttachDeviceFlags', vir), 'HVNET_NIC_LIBVIRT_REFUSED'],
      [new domxml.MalformedXmlError('domain', 'x'), 'HVNET_DOMXML_MALFORMED_XML'],
      [new libvirt.LibvirtWorkerError('x'), 'HVNET_LIBVIRT_WORKER_FAILED'],
      [new macpool.PoolStateError('/x', 'y'), 'HVNET_MACPOOL_STATE'],
      [new Error('plain'), 'HVNET_INTERNAL'],
    ];
    for (const [e, code] of mapped) assert.equal(toNicError(e, 'nic.attach').code, code, e.constructor.name);
  });

  it('the agent throws no code it does not declare, and declares none it never uses', () => {
    const used = codesIn(join(REPO, 'agent'), (f) => f.endsWith(join('api', 'errors.ts')) || f.endsWith('nic-errors.ts'));
    for (const [code, file] of used) assert.ok(isHvnetErrorCode(code), `${file} uses undeclared ${code}`);
    for (const code of Object.keys(AGENT_ERRORS)) assert.ok(used.has(code) || agentClassUses(code), `${code} is declared but never used`);
  });
});

/** Codes the error classes of agent/api/errors.ts itself throw (ConfigError and the like). */
function agentClassUses(code: string): boolean {
  const text = readFileSync(join(REPO, 'agent/api/errors.ts'), 'utf8');
  return new RegExp(`super\\(\\s*'${code}'`).test(text) || new RegExp(`new HvnetError\\('${code}'`).test(text);
}
