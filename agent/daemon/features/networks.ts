// Projects, networks and peerings (Incus `network peer` semantics) served from the daemon's one
// NB connection: lib/ovn's OvnNetworks reads the daemon's monitored cache (its tables are this
// feature's ovnNeeds) and writes through the same session. Every hvnetd on an NB serves the same
// state (it all lives in the NB); drift is repaired by whichever of them holds the OVSDB lock
// `hvnet_reconcile`, on start and after NB changes, and each repair shows up as a status event.
//
// Start: the server's schema is checked over a short probe connection while hvnetd waits for the
// NB (a monitor naming a column the server lacks would only be refused, again and again); a
// missing table or column makes hvnetd refuse to start (exit 78, HVNET_OVN_SCHEMA_MISSING) with a
// message naming it. An NB that does not answer within ovn.nb.readyTimeoutSeconds is not checked.
import { OvsdbClient } from '../../../lib/ovsdb/client.js';
import { ovnNorthboundSchema } from '../../../lib/ovn/schema/ovn-nb.generated.js';
import { NB_TABLES, checkServerSchema } from '../../../lib/ovn/schema-check.js';
import { OvnNetworks } from '../../../lib/ovn/networks.js';
import type { OvnRequest, WriteOptions } from '../../../lib/ovn/networks.js';
import type { RowChange } from '../../../lib/ovn/plan.js';
import type { TSchema } from '@sinclair/typebox';
import type { MethodSpec } from '../../api/methods.js';
import type { Handler } from '../registry.js';
import { HvnetError } from '../../api/errors.js';
import type { HostEvent, HostStatus } from '../../api/status.js';
import type { DryRunResult } from '../../api/networks.js';
import {
  networkCreateMethod,
  networkDeleteMethod,
  networkListMethod,
  networkShowMethod,
  peerCreateMethod,
  peerDeleteMethod,
  peerGetMethod,
  peerListMethod,
  peerSetMethod,
  peerShowMethod,
  peerUnsetMethod,
  peerUpdateMethod,
  projectCreateMethod,
  projectDeleteMethod,
  projectListMethod,
} from '../../api/networks.js';
import type { Config } from '../../config/schema.js';
import type { DaemonContext, Feature } from '../feature.js';
import type { Logger } from '../../logger.js';
import { fromOvnError } from './networks/errors.js';
import { networkDocument, networkRequest, peeringDocument, peeringEdit, peeringSummary, projectDocument, renameAddressField } from './networks/documents.js';
import type { PeeringInfo } from '../../../lib/ovn/peering-plan.js';
import type { ProjectInfo } from '../../../lib/ovn/project-plan.js';

/** Events kept for `hvnet status` and the reports. */
const MAX_EVENTS = 20;
/** The peering summary of the status follows NB changes after this quiet time, at most this late. */
const SUMMARY_QUIET_MS = 100;
const SUMMARY_MAX_DELAY_MS = 1_000;
const CLOSE_GRACE_MS = 2_000;

let state: NetworksState | undefined;
let preflightConfig: { config: () => Config; log: Logger } | undefined;

export const networksFeature: Feature = {
  name: 'networks',
  ovnNeeds: NB_TABLES,
  register(ctx) {
    state = new NetworksState(ctx);
    preflightConfig = { config: ctx.config, log: ctx.log };
  },
  async preflight() {
    if (preflightConfig) await checkSchemaAtStart(preflightConfig.config(), preflightConfig.log);
  },
  async stop() {
    await state?.close();
    state = undefined;
  },
};

/** Refuses a server whose NB schema lacks what lib/ovn needs; says nothing when the NB does not answer. */
async function checkSchemaAtStart(c: Config, log: Logger): Promise<void> {
  const nb = c.ovn.nb;
  const probe = new OvsdbClient({
    schema: ovnNorthboundSchema,
    remotes: nb.remotes,
    ...(nb.ssl ? { ssl: nb.ssl } : {}),
    inactivityProbeMs: nb.inactivityProbeMs,
    connectTimeoutMs: nb.connectTimeoutMs,
    backoff: { initialMs: 100, maxMs: 2_000 },
  });
  try {
    try {
      await probe.session.start().ready(nb.readyTimeoutSeconds * 1_000);
    } catch {
      log.warn('OVN NB did not answer at start: its schema was not checked');
      return;
    }
    await checkServerSchema(probe);
  } catch (e) {
    throw fromOvnError(e);
  } finally {
    probe.close();
  }
}

class NetworksState {
  readonly ovn: OvnNetworks;
  private readonly events: HostEvent[] = [];
  private started: Promise<void> | undefined;
  private everSynced = false;
  private closed = false;

  constructor(private readonly ctx: DaemonContext) {
    this.ovn = new OvnNetworks(ctx.nb.client, { checkSchema: false, reconcile: { debounceMs: 100 } });
    this.ovn.on('repaired', (changes) => this.onRepaired(changes));
    this.ovn.on('error', (e) => ctx.log.warn({ err: e.message }, 'drift repair failed; retried on the next NB change'));
    ctx.nb.on('state', (s) => {
      if (s.state !== 'connected' || this.closed) return;
      this.everSynced = true;
      this.scheduleSummary();
      // Once: NB_Global made if missing, then the reconciler (its lock follows reconnects by itself).
      this.started ??= this.ovn.start().catch((e: unknown) => {
        this.started = undefined;
        ctx.log.error({ err: (e as Error).message }, 'networks: start failed; retried on the next NB connection');
      });
    });
    ctx.health.addContributor((s) => this.contribute(s));
    ctx.nb.cache.on('batch', (events) => {
      if (events.some((e) => e.table.startsWith('Logical_Router'))) this.scheduleSummary();
    });
    this.registerMethods();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.summaryTimer);
    // Bounded: a repair or lock request waiting for a lost NB must not hold up SIGTERM (the
    // daemon closes the NB session right after, which ends them).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.ovn.close().catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLOSE_GRACE_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Reads need a cache that was in sync once; writes need the NB now. */
  private readable(): OvnNetworks {
    if (!this.everSynced) throw new HvnetError('HVNET_OVN_UNAVAILABLE', 'the OVN NB has not been reached yet: no networks to show');
    return this.ovn;
  }

  private writable(): OvnNetworks {
    const nb = this.ctx.nb.status();
    if (nb.state !== 'connected') throw new HvnetError('HVNET_OVN_UNAVAILABLE', `OVN NB is ${nb.state}${nb.lastError ? `: ${nb.lastError}` : ''}; nothing was changed`);
    return this.ovn;
  }

  /** `document`: the API's form of what the request would return (lib/ovn plans return its views). */
  private dryRun<R>(req: OvnRequest, document: (r: R) => unknown = (r) => r): DryRunResult {
    const plan = this.readable().plan(req);
    return { dryRun: true, operations: plan.operations, changes: plan.changes, result: document(plan.result as R) };
  }

  private projectDocument(p: ProjectInfo): ReturnType<typeof projectDocument> {
    return projectDocument(p, p.networks === 0 ? [] : this.ovn.listNetworks({ project: p.name }).map((n) => n.name));
  }

  private onRepaired(changes: RowChange[]): void {
    const at = new Date().toISOString();
    for (const c of changes) {
      const side = `${c.network.project ?? '?'}/${c.network.name ?? c.network.id}`;
      const remote = `${c.remote.project ?? '?'}/${c.remote.name ?? c.remote.id}`;
      this.events.push({ at, code: 'drift-repaired', subject: side, message: `${c.action} ${c.table} ${c.what} (peering towards ${remote})` });
    }
    this.events.splice(0, Math.max(0, this.events.length - MAX_EVENTS));
    this.ctx.log.warn({ changes: changes.map((c) => `${c.action} ${c.table} ${c.what}`) }, 'OVN drift repaired');
    this.ctx.health.update();
  }

  private contribute(s: HostStatus): void {
    if (this.events.length > 0) s.events = [...this.events];
    s.peerings = this.summary;
  }

  /**
   * The status is re-evaluated on every NB cache batch; the peering summary (every network's
   * peerings) is not recomputed each time but after a quiet moment (bounded), so a burst of
   * thousands of writes costs one summary, not one per write.
   */
  private summary: HostStatus['peerings'] = [];
  private summaryTimer: NodeJS.Timeout | undefined;
  private summaryDue = 0;

  private scheduleSummary(): void {
    const now = Date.now();
    if (this.summaryTimer === undefined) this.summaryDue = now + SUMMARY_MAX_DELAY_MS;
    clearTimeout(this.summaryTimer);
    this.summaryTimer = setTimeout(() => this.refreshSummary(), Math.max(0, Math.min(SUMMARY_QUIET_MS, this.summaryDue - now)));
    this.summaryTimer.unref();
  }

  private refreshSummary(): void {
    this.summaryTimer = undefined;
    if (this.closed || !this.everSynced) return;
    const peerings: HostStatus['peerings'] = [];
    for (const n of this.ovn.listNetworks()) {
      if (n.peerings === 0) continue;
      for (const p of this.ovn.listPeerings({ project: n.project, network: n.name })) {
        peerings.push(peeringSummary(p));
      }
    }
    if (JSON.stringify(peerings) === JSON.stringify(this.summary)) return;
    this.summary = peerings;
    this.ctx.health.update();
  }

  private registerMethods(): void {
    // Every handler's lib/ovn error becomes the daemon's (same code, the field in details).
    const reg = <P extends TSchema, R extends TSchema>(spec: MethodSpec<P, R>, fn: Handler<P, R>): void =>
      this.ctx.methods.register(spec, async (p, rc) => {
        try {
          return await fn(p, rc);
        } catch (e) {
          throw fromOvnError(e);
        }
      });

    reg(
      projectCreateMethod,
      async (p) => {
        const request = { name: p.name, ...(p.description === undefined ? {} : { description: p.description }) };
        if (p.dryRun) return this.dryRun({ op: 'createProject', request }, (r: ProjectInfo) => this.projectDocument(r));
        return this.projectDocument(await this.writable().createProject(request));
      },
    );
    reg(projectListMethod, () => this.readable().listProjects().map((p) => this.projectDocument(p)));
    reg(
      projectDeleteMethod,
      async (p) => {
        if (p.dryRun) return this.dryRun({ op: 'deleteProject', request: { name: p.name } });
        await this.writable().deleteProject(p.name);
        return { deleted: true as const };
      },
    );

    reg(
      networkCreateMethod,
      async (p, rc) => {
        try {
          const request = networkRequest(p, rc.project);
          if (p.dryRun) return this.dryRun({ op: 'createNetwork', request }, networkDocument);
          return networkDocument(await this.writable().createNetwork(request));
        } catch (e) {
          throw renameAddressField(e);
        }
      },
    );
    reg(networkListMethod, (_p, rc) => this.readable().listNetworks({ project: rc.project }).map(networkDocument));
    reg(networkShowMethod, (p, rc) => networkDocument(this.readable().showNetwork({ project: rc.project, name: p.name })));
    reg(
      networkDeleteMethod,
      async (p, rc) => {
        const request = { project: rc.project, name: p.name };
        if (p.dryRun) return this.dryRun({ op: 'deleteNetwork', request });
        await this.writable().deleteNetwork(request);
        return { deleted: true as const };
      },
    );

    reg(
      peerCreateMethod,
      async (p, rc) => {
        const request = {
          project: rc.project,
          network: p.network,
          name: p.name,
          target: p.target,
          ...(p.description === undefined ? {} : { description: p.description }),
          ...(p.config === undefined ? {} : { config: p.config }),
        };
        if (p.dryRun) return this.dryRun({ op: 'createPeering', request }, (r: PeeringInfo) => peeringDocument(r));
        const w: WriteOptions = p.wait ? { wait: 'sb' } : {};
        return peeringDocument(await this.writable().createPeering(request, w));
      },
    );
    reg(peerListMethod, (p, rc) => this.readable().listPeerings({ project: rc.project, network: p.network }).map(peeringDocument));
    reg(peerShowMethod, (p, rc) => peeringDocument(this.readable().showPeering({ project: rc.project, network: p.network, name: p.name })));
    reg(
      peerUpdateMethod,
      async (p, rc) => {
        const ref = { project: rc.project, network: p.network, name: p.name };
        const current = peeringDocument(this.readable().showPeering(ref));
        const edit = peeringEdit(current, p.fields, { project: rc.project, network: p.network, peering: p.name });
        return peeringDocument(await this.writable().updatePeering({ ...edit, ...ref }));
      },
    );
    reg(
      peerSetMethod,
      async (p, rc) => peeringDocument(await this.writable().setPeeringConfig({ project: rc.project, network: p.network, name: p.name, key: p.key, value: p.value })),
    );
    reg(peerUnsetMethod, async (p, rc) => peeringDocument(await this.writable().unsetPeeringConfig({ project: rc.project, network: p.network, name: p.name, key: p.key })));
    reg(
      peerGetMethod,
      (p, rc) => ({ key: p.key, value: this.readable().getPeeringConfig({ project: rc.project, network: p.network, name: p.name, key: p.key }) ?? null }),
    );
    reg(
      peerDeleteMethod,
      async (p, rc) => {
        const request = { project: rc.project, network: p.network, name: p.name };
        if (p.dryRun) return this.dryRun({ op: 'deletePeering', request });
        await this.writable().deletePeering(request);
        return { deleted: true as const };
      },
    );
  }
}
