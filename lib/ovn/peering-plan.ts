// Peerings as Incus spells them. Each side's declaration is one key on its own router
// (`hvnet:peering:<name>` = JSON {target, description, config}) written in one transaction; the
// status is derived from both sides' declarations and the rows, never stored. The declaration
// that completes a mutual pair also creates both sides' ports and routes in the same transaction
// (peer-rows.ts), and the deletion of either side removes both sides' rows in the same
// transaction, touching nothing of the networks' other peerings.
import { checkPeeringType } from './peering-types.js';
import type { PeeringType } from './peering-types.js';
import { mutation, where } from '../ovsdb/operations.js';
import type { MutateOperation } from '../ovsdb/operations.js';
import { map, set, uuid } from '../ovsdb/values.js';
import {
  PeeringExistsError,
  PeeringNotFoundError,
  PeeringTargetTakenError,
  ReadOnlyFieldError,
  SelfPeeringError,
} from './errors.js';
import { peeringKey } from './ids.js';
import { checkConfig, checkConfigKey, checkConfigValue, checkDescription, checkName, formatTarget, parseTarget } from './names.js';
import { nb } from './nb-operations.js';
import { findNetwork } from './network-plan.js';
import { convergePeerRows, peerRowsIntact, peeringState } from './peer-rows.js';
import { PlanModel, TxnBuilder } from './plan.js';
import type { Plan, PlanOptions } from './plan.js';
import { declarationTo, encodeDeclaration, withDeclaration } from './state.js';
import { planCreateRemotePeering, remotePeeringInfo } from './remote/declare-plan.js';
import type { Declaration, NbView, Network, RouterRow } from './state.js';

export type PeeringStatus = 'pending' | 'created' | 'errored';

/** A peering as the API shows it; the same keys whatever the status (no discovery by shape). */
export interface PeeringInfo {
  project: string;
  network: string;
  name: string;
  description: string;
  config: Record<string, string>;
  targetProject: string;
  targetNetwork: string;
  type: PeeringType;
  /** A remote peering's network integration. */
  integration?: string;
  status: PeeringStatus;
  /** Why an `errored` peering is not active; absent otherwise. */
  reason?: string;
}

export interface PeeringRef {
  /** Default `default`. */
  project?: string;
  network: string;
  name: string;
}

export interface CreatePeeringRequest extends PeeringRef {
  /** `network` (same project) or `project/network`. */
  target: string;
  /** Incus's peer type; default `local`, the only one this hvnet serves. */
  type?: string;
  description?: string;
  /** `user.*` keys only. */
  config?: Record<string, string>;
}

/** Only description and config can change; other members must equal the current values. */
export interface UpdatePeeringRequest extends PeeringRef {
  description?: string;
  /** Replaces the whole config. */
  config?: Record<string, string>;
  [field: string]: unknown;
}

const ROWS_CHANGED = 'the OVN rows of the peering are missing or were changed; the reconciler repairs them';

/**
 * The status of a declaration. `checkRows`: a mutual, valid pair is `created` only when its rows
 * are intact (read paths); plans pass false because their own transaction makes the rows.
 */
export function peeringInfo(view: NbView, model: PlanModel, a: Network, d: Declaration, checkRows = true): PeeringInfo {
  if (d.type === 'remote') {
    const base = { project: a.project, network: a.name, name: d.name, description: d.description, config: { ...d.config }, targetProject: d.target.project, targetNetwork: d.target.network, type: d.type };
    return remotePeeringInfo(view, a, d, base);
  }
  const s = peeringState(model, a, d);
  // `s` is a's state through declaration d; the rows check reads a's declaration towards the
  // peer, which is d unless a hand edit made two towards it (then it finds its own).
  const rowsChanged = s.status === 'active' && checkRows && !peerRowsIntact(view, model, a, s.peer, declarationTo(a, s.peer.project, s.peer.name) === d ? s : undefined);
  const reason = s.status === 'errored' ? s.reason : rowsChanged ? ROWS_CHANGED : undefined;
  // Made once, in the order the API shows (the status and each plan make one per peering).
  const info: PeeringInfo = {
    project: a.project,
    network: a.name,
    name: d.name,
    description: d.description,
    config: { ...d.config },
    targetProject: d.target.project,
    targetNetwork: d.target.network,
    type: d.type,
    status: s.status === 'pending' ? 'pending' : reason === undefined ? 'created' : 'errored',
  };
  if (reason !== undefined) info.reason = reason;
  return info;
}

function ctxOf(a: Network, name: string): { project: string; network: string; peering: string } {
  return { project: a.project, network: a.name, peering: name };
}

function declarationOf(view: NbView, ref: PeeringRef): { a: Network & { router: RouterRow }; d: Declaration | undefined; name: string } {
  const a = findNetwork(view, { project: ref.project, name: ref.network });
  const name = checkName('peering', ref.name, { project: a.project, network: a.name });
  if (!a.router) throw new Error('unreachable: a network read from the cache has a router');
  return { a: a as Network & { router: RouterRow }, d: a.declarations.get(name), name };
}

export function listPeerings(view: NbView, ref: { project?: string; network: string }): PeeringInfo[] {
  const a = findNetwork(view, { project: ref.project, name: ref.network });
  const model = new PlanModel(view);
  return [...a.declarations.values()].sort((x, y) => (x.name < y.name ? -1 : 1)).map((d) => peeringInfo(view, model, a, d));
}

export function showPeering(view: NbView, ref: PeeringRef): PeeringInfo {
  const { a, d, name } = declarationOf(view, ref);
  if (!d) throw new PeeringNotFoundError(ctxOf(a, name));
  return peeringInfo(view, new PlanModel(view), a, d);
}

function setDeclaration(router: RouterRow, name: string, value: string | undefined): MutateOperation {
  const key = peeringKey(name);
  const remove = mutation('external_ids', 'delete', set([key]));
  const mutations = value === undefined ? [remove] : [remove, mutation('external_ids', 'insert', map([[key, value]]))];
  return nb.mutate('Logical_Router', [where('_uuid', '==', uuid(router._uuid))], mutations);
}

export function planCreatePeering(view: NbView, req: CreatePeeringRequest, opts: PlanOptions = {}): Plan<PeeringInfo> {
  if (req.type === 'remote') return planCreateRemotePeering(view, req, opts);
  const { a, d: existing, name } = declarationOf(view, req);
  const ctx = ctxOf(a, name);
  const target = parseTarget(req.target, a.project, ctx);
  if (target.project === a.project && target.network === a.name) throw new SelfPeeringError(ctx);
  const type = checkPeeringType(req.type, ctx);
  const want: Declaration = { name, type, target, description: checkDescription(req.description, ctx), config: checkConfig(req.config, ctx) };
  const model = new PlanModel(view);
  if (existing) {
    if (opts.replay && encodeDeclaration(existing) === encodeDeclaration(want)) {
      return { operations: [], result: peeringInfo(view, model, a, existing, false), changes: [] };
    }
    throw new PeeringExistsError(ctx);
  }
  const other = declarationTo(a, target.project, target.network);
  if (other) throw new PeeringTargetTakenError(ctx, other.name, formatTarget(target));
  const declarations = withDeclaration(a.declarations, name, want);
  const a2: Network = { ...a, declarations };
  model.put(a2);
  const tx = new TxnBuilder();
  // Guards on what the decision rests on: our router as read, and the target as read — its
  // router, or the fact that there is none. See guards.ts for why this cannot end both pending.
  tx.guardRouter(a.router);
  const b = view.network(target.project, target.network);
  if (b) tx.guardRouter(b.router);
  else tx.guardAbsent(target.project, target.network);
  tx.write(setDeclaration(a.router, name, encodeDeclaration(want)));
  convergePeerRows(tx, view, model, b ? [a2, b] : [a2], pairOnly(a2, b));
  return { operations: tx.operations(), result: peeringInfo(view, model, a2, want, false), changes: tx.changes };
}

/**
 * A peering's request changes the rows between its two networks only: the other peerings of a
 * hub are not diffed on each of its requests (their drift is the reconciler's).
 */
function pairOnly(a: Network, b: Network | undefined): (n: Network) => ReadonlySet<number> {
  return (n) => new Set(n.id === a.id ? (b ? [b.id] : []) : [a.id]);
}

const READ_ONLY = ['targetProject', 'targetNetwork', 'target', 'type', 'status', 'reason'] as const;

/** An update is idempotent by nature (it sets values), so a replay needs no special case. */
export function planUpdatePeering(view: NbView, req: UpdatePeeringRequest, _opts: PlanOptions = {}): Plan<PeeringInfo> {
  const { a, d, name } = declarationOf(view, req);
  const ctx = ctxOf(a, name);
  if (!d) throw new PeeringNotFoundError(ctx);
  const model = new PlanModel(view);
  const current = peeringInfo(view, model, a, d);
  const writable = new Set(['project', 'network', 'name', 'description', 'config']);
  for (const [field, value] of Object.entries(req)) {
    if (writable.has(field) || value === undefined) continue;
    const known = (READ_ONLY as readonly string[]).includes(field);
    const shown: Record<string, unknown> = { ...current };
    const now = field === 'target' ? formatTarget(d.target) : shown[field];
    if (known && JSON.stringify(value) === JSON.stringify(now)) continue; // shown value sent back unchanged
    throw new ReadOnlyFieldError(`field ${JSON.stringify(field)} of a peering cannot be changed`, {
      ...ctx,
      field,
      value,
      allowed: 'changes to description and config only',
    });
  }
  const want: Declaration = {
    ...d,
    description: req.description === undefined ? d.description : checkDescription(req.description, ctx),
    config: req.config === undefined ? d.config : checkConfig(req.config, ctx),
  };
  return planDeclarationEdit(view, a, d, want);
}

function planDeclarationEdit(view: NbView, a: Network & { router: RouterRow }, d: Declaration, want: Declaration): Plan<PeeringInfo> {
  const model = new PlanModel(view);
  const a2: Network = { ...a, declarations: withDeclaration(a.declarations, d.name, want) };
  model.put(a2);
  const result = peeringInfo(view, model, a2, want);
  const before = encodeDeclaration(d);
  if (before === encodeDeclaration(want)) return { operations: [], result, changes: [] };
  const tx = new TxnBuilder();
  // Description and config do not touch OVN rows: the only fact to guard is that the declaration
  // is still the one read (a concurrent delete must not be undone by this write).
  tx.guard(
    'declaration',
    nb.wait('Logical_Router', {
      where: [where('_uuid', '==', uuid(a.router._uuid)), where('external_ids', 'includes', map({ [peeringKey(d.name)]: before }))],
      columns: ['_uuid'],
      until: '!=',
      rows: [],
      timeout: 0,
    }),
  );
  tx.write(setDeclaration(a.router, d.name, encodeDeclaration(want)));
  return { operations: tx.operations(), result, changes: [] };
}

export function planSetPeeringConfig(view: NbView, req: PeeringRef & { key: string; value: string }): Plan<PeeringInfo> {
  const { a, d, name } = declarationOf(view, req);
  const ctx = ctxOf(a, name);
  if (!d) throw new PeeringNotFoundError(ctx);
  const key = checkConfigKey(req.key, ctx);
  const value = checkConfigValue(key, req.value, ctx);
  return planDeclarationEdit(view, a, d, { ...d, config: checkConfig({ ...d.config, [key]: value }, ctx) });
}

export function planUnsetPeeringConfig(view: NbView, req: PeeringRef & { key: string }): Plan<PeeringInfo> {
  const { a, d, name } = declarationOf(view, req);
  const ctx = ctxOf(a, name);
  if (!d) throw new PeeringNotFoundError(ctx);
  const key = checkConfigKey(req.key, ctx);
  const config = { ...d.config };
  delete config[key];
  return planDeclarationEdit(view, a, d, { ...d, config });
}

export function getPeeringConfig(view: NbView, req: PeeringRef & { key: string }): string | undefined {
  const { a, d, name } = declarationOf(view, req);
  const ctx = ctxOf(a, name);
  if (!d) throw new PeeringNotFoundError(ctx);
  return d.config[checkConfigKey(req.key, ctx)];
}

/**
 * Removes the declaration and, in the same transaction, the rows of this pair on both routers.
 * The target's own declaration stays (pending again). Works whether or not the target exists.
 */
export function planDeletePeering(view: NbView, req: PeeringRef, opts: PlanOptions = {}): Plan<{ project: string; network: string; name: string }> {
  const { a, d, name } = declarationOf(view, req);
  const ctx = ctxOf(a, name);
  const result = { project: a.project, network: a.name, name };
  if (!d) {
    if (opts.replay) return { operations: [], result, changes: [] };
    throw new PeeringNotFoundError(ctx);
  }
  const a2: Network = { ...a, declarations: withDeclaration(a.declarations, name, undefined) };
  const model = new PlanModel(view);
  model.put(a2);
  const tx = new TxnBuilder();
  tx.guardRouter(a.router);
  const b = view.network(d.target.project, d.target.network);
  if (b) tx.guardRouter(b.router);
  tx.write(setDeclaration(a.router, name, undefined));
  convergePeerRows(tx, view, model, b ? [a2, b] : [a2], pairOnly(a2, b));
  return { operations: tx.operations(), result, changes: tx.changes };
}
