// The API the daemon serves: projects, networks and peerings kept in the OVN Northbound. Every
// read comes from the client's monitored cache, every write is a planned transaction (the
// planners are pure and can be called on their own for a dry run), and all state lives in the
// NB, so any number of OvnNetworks on any hosts sharing one NB see and serve the same things.
import { EventEmitter } from 'node:events';
import { withRowTypes } from '../ovsdb/cache.js';
import { OvsdbClient } from '../ovsdb/client.js';
import type { ClientOptions } from '../ovsdb/client.js';
import { ConstraintViolationError, WaitTimedOutError } from '../ovsdb/errors.js';
import { ovnNorthboundSchema } from './schema/ovn-nb.generated.js';
import { applyPlan } from './apply.js';
import type { Applied, ApplyOptions, Planner, Transact, Transactor, WaitFor } from './apply.js';

export type { Transact } from './apply.js';
import type { OvnErrorContext } from './errors.js';
import { GroupCommit } from './group-commit.js';
import type { GroupCommitOptions } from './group-commit.js';
import { globalAbsent } from './guards.js';
import { nb } from './nb-operations.js';
import { checkName } from './names.js';
import { checkNetworkRef, findNetwork, networkInfo, planCreateNetwork, planDeleteNetwork } from './network-plan.js';
import type { CreateNetworkRequest, DeleteNetworkRequest, DeletedNetwork, NetworkInfo, NetworkRef } from './network-plan.js';
import {
  getPeeringConfig,
  listPeerings,
  planCreatePeering,
  planDeletePeering,
  planSetPeeringConfig,
  planUnsetPeeringConfig,
  planUpdatePeering,
  showPeering,
} from './peering-plan.js';
import type { CreatePeeringRequest, PeeringInfo, PeeringRef, UpdatePeeringRequest } from './peering-plan.js';
import type { Plan, PlanOptions, RowChange } from './plan.js';
import { listProjects, planCreateProject, planDeleteProject, projectInfo } from './project-plan.js';
import type { CreateProjectRequest, ProjectInfo } from './project-plan.js';
import { Reconciler, planReconcile } from './reconcile.js';
import type { ReconcilerOptions } from './reconcile.js';
import { NB_TABLES, checkServerSchema, nbMonitorOptions } from './schema-check.js';
import { NbView } from './state.js';

export interface OvnNetworksOptions {
  /** Default for every write: wait for ovn-northd (`sb`) or the chassis (`hv`). Default `none`. */
  wait?: WaitFor;
  waitTimeoutMs?: number;
  /** Repair drift (only while holding the reconcile lock). Default true; false to disable. */
  reconcile?: boolean | ReconcilerOptions;
  /** Refuse a server whose schema lacks something hvnet needs (default true). */
  checkSchema?: boolean;
  /**
   * Sends every transaction of this instance (requests, drift repair, NB_Global creation) in
   * place of `client.transact`, so the caller can time, count or log them in one place.
   */
  transact?: Transact;
  /**
   * Requests made while a transaction of this instance is in flight are sent together as one
   * transaction when it completes (group-commit.ts). Default false: one transaction per request.
   */
  groupCommit?: boolean | GroupCommitOptions;
}


/** Per-call options of a write. */
export interface WriteOptions {
  wait?: WaitFor;
  waitTimeoutMs?: number;
  /** Who asked (opaque to lib/ovn): handed to the `transact` option with the write's operations, for its logs. */
  request?: object;
}

/** Every write as one value: what a dry run plans and what the daemon may forward as is. */
export type OvnRequest =
  | { op: 'createProject'; request: CreateProjectRequest }
  | { op: 'deleteProject'; request: { name: string } }
  | { op: 'createNetwork'; request: CreateNetworkRequest }
  | { op: 'deleteNetwork'; request: DeleteNetworkRequest }
  | { op: 'createPeering'; request: CreatePeeringRequest }
  | { op: 'updatePeering'; request: UpdatePeeringRequest }
  | { op: 'setPeeringConfig'; request: PeeringRef & { key: string; value: string } }
  | { op: 'unsetPeeringConfig'; request: PeeringRef & { key: string } }
  | { op: 'deletePeering'; request: PeeringRef }
  | { op: 'reconcile'; request?: undefined };

/** The pure planner of a request (validation errors are thrown from here too). */
export function plannerFor(req: OvnRequest): Planner<unknown> {
  switch (req.op) {
    case 'createProject':
      return (v, o) => planCreateProject(v, req.request, o);
    case 'deleteProject':
      return (v, o) => planDeleteProject(v, req.request, o);
    case 'createNetwork':
      return (v, o) => planCreateNetwork(v, req.request, o);
    case 'deleteNetwork':
      return (v, o) => planDeleteNetwork(v, req.request, o);
    case 'createPeering':
      return (v, o) => planCreatePeering(v, req.request, o);
    case 'updatePeering':
      return (v, o) => planUpdatePeering(v, req.request, o);
    case 'setPeeringConfig':
      return (v) => planSetPeeringConfig(v, req.request);
    case 'unsetPeeringConfig':
      return (v) => planUnsetPeeringConfig(v, req.request);
    case 'deletePeering':
      return (v, o) => planDeletePeering(v, req.request, o);
    case 'reconcile':
      return (v) => planReconcile(v);
  }
}

interface OvnNetworksEvents {
  /** The reconciler repaired drift: what it changed. */
  repaired: [RowChange[]];
  /** A repair attempt failed (it is tried again on the next NB change). */
  error: [Error];
  /** A write is retried: `conflict` (another writer changed what it read) or `unknown` (connection lost). */
  retry: ['conflict' | 'unknown'];
}

export class OvnNetworks extends EventEmitter<OvnNetworksEvents> {
  readonly view: NbView;
  private readonly reconciler: Reconciler | undefined;
  private readonly transactor: Transactor;
  /** With the groupCommit option: what sends the requests' plans. */
  readonly groupCommit: GroupCommit | undefined;
  private ownsClient = false;

  /** The monitor the OvsdbClient must be created with. */
  static readonly monitor = nbMonitorOptions();

  /**
   * Connects a client with the right monitor and starts an OvnNetworks on it (which then owns it).
   * The server's schema is checked first over a plain connection: a monitor naming a column the
   * server lacks would be refused at every connection attempt instead of failing clearly.
   */
  static async open(client: Omit<ClientOptions, 'schema' | 'monitor'>, opts: OvnNetworksOptions = {}): Promise<OvnNetworks> {
    if (opts.checkSchema !== false) {
      const probe = await OvsdbClient.connect({ ...client, schema: ovnNorthboundSchema });
      try {
        await checkServerSchema(probe);
      } finally {
        probe.close();
      }
    }
    const c = await OvsdbClient.connect({ ...client, schema: ovnNorthboundSchema, monitor: nbMonitorOptions() });
    try {
      const n = new OvnNetworks(c, { ...opts, checkSchema: false });
      n.ownsClient = true;
      await n.start();
      return n;
    } catch (e) {
      c.close();
      throw e;
    }
  }

  constructor(
    readonly client: OvsdbClient,
    private readonly opts: OvnNetworksOptions = {},
  ) {
    super();
    // The client comes from outside (the daemon merges what its features monitor): its cache is
    // checked once to hold what NbView reads, with the schema the row types come from.
    this.view = new NbView(withRowTypes(client.cache, ovnNorthboundSchema, NB_TABLES));
    this.transactor = { transact: opts.transact ?? ((ops) => client.transact(ops)), session: client.session };
    if (opts.groupCommit) this.groupCommit = new GroupCommit(this.transactor, this.view, opts.groupCommit === true ? {} : opts.groupCommit);
    if (opts.reconcile !== false) {
      const reconcile = typeof opts.reconcile === 'object' ? opts.reconcile : {};
      this.reconciler = new Reconciler(client, this.view, { ...reconcile, transact: this.transactor.transact });
      this.reconciler.on('repaired', (c) => this.emit('repaired', c));
      this.reconciler.on('error', (e) => this.emit('error', e));
    }
  }

  /** Checks the server's schema, makes sure NB_Global exists, starts the reconciler. */
  async start(): Promise<void> {
    if (this.opts.checkSchema !== false) await checkServerSchema(this.client);
    if (!this.view.nbGlobal()) {
      // No ovn-northd has run against this NB yet: create the root row, once whoever races us.
      try {
        await this.transactor.transact([globalAbsent(), nb.insert('NB_Global', {})]);
      } catch (e) {
        if (!(e instanceof WaitTimedOutError || e instanceof ConstraintViolationError)) throw e;
      }
    }
    await this.reconciler?.start();
  }

  async close(): Promise<void> {
    await this.reconciler?.stop();
    this.view.close();
    if (this.ownsClient) this.client.close();
  }

  /** Whether this instance currently holds the reconcile lock. */
  get reconciling(): boolean {
    return this.reconciler?.active ?? false;
  }

  /** The plan of a request against the current cache, without sending anything (dry run). */
  plan(req: OvnRequest): Plan<unknown> {
    return plannerFor(req)(this.view, {});
  }

  private apply<R>(planner: (v: NbView, o: PlanOptions) => Plan<R>, context: OvnErrorContext, w: WriteOptions = {}): Promise<Applied<R>> {
    const opts: ApplyOptions = { context, wait: w.wait ?? this.opts.wait ?? 'none', onRetry: (kind) => this.emit('retry', kind) };
    const timeout = w.waitTimeoutMs ?? this.opts.waitTimeoutMs;
    if (timeout !== undefined) opts.waitTimeoutMs = timeout;
    if (w.request) opts.request = w.request;
    return this.groupCommit ? this.groupCommit.apply(planner, opts) : applyPlan(this.transactor, this.view, planner, opts);
  }

  // Projects ------------------------------------------------------------------------------------

  listProjects(): ProjectInfo[] {
    return listProjects(this.view);
  }

  showProject(name: string): ProjectInfo | undefined {
    const p = this.view.project(checkName('project', name));
    return p && projectInfo(this.view, p.name, p.description);
  }

  async createProject(req: CreateProjectRequest, w?: WriteOptions): Promise<ProjectInfo> {
    return (await this.apply((v, o) => planCreateProject(v, req, o), { project: req.name }, w)).result;
  }

  async deleteProject(name: string, w?: WriteOptions): Promise<void> {
    await this.apply((v, o) => planDeleteProject(v, { name }, o), { project: name }, w);
  }

  // Networks ------------------------------------------------------------------------------------

  listNetworks(filter: { project?: string } = {}): NetworkInfo[] {
    const project = filter.project === undefined ? undefined : checkName('project', filter.project);
    return this.view.networks(project).map(networkInfo);
  }

  showNetwork(ref: NetworkRef): NetworkInfo {
    return networkInfo(findNetwork(this.view, ref));
  }

  async createNetwork(req: CreateNetworkRequest, w?: WriteOptions): Promise<NetworkInfo> {
    return (await this.apply((v, o) => planCreateNetwork(v, req, o), { project: req.project, network: req.name }, w)).result;
  }

  /** With `force`, ports other tools put on the switch go with it; the result names them. */
  async deleteNetwork(req: DeleteNetworkRequest, w?: WriteOptions): Promise<DeletedNetwork> {
    const { project, name } = checkNetworkRef(req);
    const request = { project, name, ...(req.force === undefined ? {} : { force: req.force }) };
    return (await this.apply((v, o) => planDeleteNetwork(v, request, o), { project, network: name }, w)).result;
  }

  // Peerings ------------------------------------------------------------------------------------

  listPeerings(ref: { project?: string; network: string }): PeeringInfo[] {
    return listPeerings(this.view, ref);
  }

  showPeering(ref: PeeringRef): PeeringInfo {
    return showPeering(this.view, ref);
  }

  async createPeering(req: CreatePeeringRequest, w?: WriteOptions): Promise<PeeringInfo> {
    return (await this.apply((v, o) => planCreatePeering(v, req, o), peeringContext(req), w)).result;
  }

  /** Changes description and/or config; any other field that differs is a ReadOnlyFieldError. */
  async updatePeering(req: UpdatePeeringRequest, w?: WriteOptions): Promise<PeeringInfo> {
    return (await this.apply((v, o) => planUpdatePeering(v, req, o), peeringContext(req), w)).result;
  }

  async setPeeringConfig(req: PeeringRef & { key: string; value: string }, w?: WriteOptions): Promise<PeeringInfo> {
    return (await this.apply((v) => planSetPeeringConfig(v, req), peeringContext(req), w)).result;
  }

  async unsetPeeringConfig(req: PeeringRef & { key: string }, w?: WriteOptions): Promise<PeeringInfo> {
    return (await this.apply((v) => planUnsetPeeringConfig(v, req), peeringContext(req), w)).result;
  }

  getPeeringConfig(req: PeeringRef & { key: string }): string | undefined {
    return getPeeringConfig(this.view, req);
  }

  async deletePeering(req: PeeringRef, w?: WriteOptions): Promise<void> {
    await this.apply((v, o) => planDeletePeering(v, req, o), peeringContext(req), w);
  }

  // Drift -----------------------------------------------------------------------------------------

  /** Repairs drift now (whether or not this instance holds the lock); returns what it changed. */
  async reconcile(w?: WriteOptions): Promise<RowChange[]> {
    const applied = await this.apply((v) => planReconcile(v), {}, w);
    if (applied.attempts > 0 && applied.changes.length > 0) this.emit('repaired', applied.changes);
    return applied.attempts > 0 ? applied.changes : [];
  }
}

function peeringContext(ref: PeeringRef): OvnErrorContext {
  return { project: ref.project ?? 'default', network: ref.network, peering: ref.name };
}
