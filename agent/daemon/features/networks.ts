// Projects, networks and peerings (Incus `network peer` semantics): the project.*, network.* and
// network.peer.* methods and the status's drift events and peering summary, served by the
// networks service (features/networks/service.ts) on the daemon's NB connection.
import type { TSchema } from '@sinclair/typebox';
import type { OvnRequest, WriteOptions } from '../../../lib/ovn/networks.js';
import type { DeletedNetwork } from '../../../lib/ovn/network-plan.js';
import type { PeeringInfo } from '../../../lib/ovn/peering-plan.js';
import type { ProjectInfo } from '../../../lib/ovn/project-plan.js';
import type { MethodSpec } from '../../api/methods.js';
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
import type { Handler } from '../registry.js';
import type { DaemonContext, Feature } from '../feature.js';
import { tracePeering } from './networks/trace.js';
import { networkDocument, networkRequest, peeringDocument as baseDocument, peeringEdit, projectDocument, renameAddressField } from './networks/documents.js';

export function createNetworksFeature(ctx: Pick<DaemonContext, 'methods' | 'health' | 'networks' | 'config' | 'remotePeerings'>): Feature {
  const svc = ctx.networks;
  const peeringDocument = (p: PeeringInfo): ReturnType<typeof baseDocument> => ctx.remotePeerings.document(baseDocument(p), p);
  ctx.health.addContributor((s) => {
    if (svc.events.length > 0) s.events = [...svc.events];
    s.peerings = svc.counts;
  });
  ctx.health.setPeeringSource({ version: () => svc.summaryVersion, list: () => svc.summary });
  svc.on('changed', () => ctx.health.update());

  /** `document`: the API's form of what the request would return (lib/ovn plans return its views). */
  const dryRun = <R>(req: OvnRequest, document: (r: R) => unknown = (r) => r): DryRunResult => {
    const plan = svc.readable().plan(req);
    return { dryRun: true, operations: plan.operations, changes: plan.changes, result: document(plan.result as R) };
  };
  const projectDoc = (p: ProjectInfo): ReturnType<typeof projectDocument> =>
    projectDocument(p, p.networks === 0 ? [] : svc.ovn.listNetworks({ project: p.name }).map((n) => n.name));

  // Every handler's lib/ovn error becomes the daemon's (same code, the field in details), counted by the service.
  const reg = <P extends TSchema, R extends TSchema>(spec: MethodSpec<P, R>, fn: Handler<P, R>): void =>
    ctx.methods.register(spec, async (p, rc) => {
      try {
        return await fn(p, rc);
      } catch (e) {
        throw svc.failure(e);
      }
    });

  reg(
    projectCreateMethod,
    async (p, rc) => {
      const request = { name: p.name, ...(p.description === undefined ? {} : { description: p.description }) };
      if (p.dryRun) return dryRun({ op: 'createProject', request }, (r: ProjectInfo) => projectDoc(r));
      return projectDoc(await svc.writable().createProject(request, { request: rc }));
    },
  );
  reg(projectListMethod, () => svc.readable().listProjects().map((p) => projectDoc(p)));
  reg(
    projectDeleteMethod,
    async (p, rc) => {
      if (p.dryRun) return dryRun({ op: 'deleteProject', request: { name: p.name } });
      await svc.writable().deleteProject(p.name, { request: rc });
      return { deleted: true as const };
    },
  );

  reg(
    networkCreateMethod,
    async (p, rc) => {
      try {
        const request = networkRequest(p, rc.project);
        if (p.dryRun) return dryRun({ op: 'createNetwork', request }, networkDocument);
        return networkDocument(await svc.writable().createNetwork(request, { request: rc }));
      } catch (e) {
        throw renameAddressField(e);
      }
    },
  );
  reg(networkListMethod, (_p, rc) => svc.readable().listNetworks({ project: rc.project }).map(networkDocument));
  reg(networkShowMethod, (p, rc) => networkDocument(svc.readable().showNetwork({ project: rc.project, name: p.name })));
  reg(
    networkDeleteMethod,
    async (p, rc) => {
      const request = { project: rc.project, name: p.name, ...(p.force === undefined ? {} : { force: p.force }) };
      // The dry run shows what a forced delete would take along, whether or not it is forced.
      const doc = (r: DeletedNetwork): object => ({ project: r.project, name: r.name, foreign_ports: r.foreignPorts, force: p.force === true });
      if (p.dryRun) return dryRun({ op: 'deleteNetwork', request: { ...request, force: true } }, doc);
      const r = await svc.writable().deleteNetwork(request, { request: rc });
      return { deleted: true as const, foreign_ports: r.foreignPorts };
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
        ...(p.type === undefined ? {} : { type: p.type }),
        ...(p.description === undefined ? {} : { description: p.description }),
        ...(p.config === undefined ? {} : { config: p.config }),
      };
      if (p.dryRun) return dryRun({ op: 'createPeering', request }, (r: PeeringInfo) => peeringDocument(r));
      const w: WriteOptions = p.wait ? { wait: 'sb', request: rc } : { request: rc };
      return peeringDocument(await svc.writable().createPeering(request, w));
    },
  );
  reg(peerListMethod, (p, rc) => svc.listPeerings({ project: rc.project, network: p.network }).map(peeringDocument));
  reg(peerShowMethod, async (p, rc) => {
    const ovn = svc.readable();
    const peering = ovn.showPeering({ project: rc.project, network: p.network, name: p.name });
    const doc = peeringDocument(peering);
    if (p.trace !== true) return doc;
    const local = ovn.showNetwork({ project: rc.project, name: p.network });
    const remote =
      peering.status !== 'pending' ? ovn.listNetworks({ project: peering.targetProject }).find((n) => n.name === peering.targetNetwork) : undefined;
    return { ...doc, trace: await tracePeering(ctx.config().ovn.sb, local, remote) };
  });
  reg(
    peerUpdateMethod,
    async (p, rc) => {
      const ref = { project: rc.project, network: p.network, name: p.name };
      const current = peeringDocument(svc.readable().showPeering(ref));
      const edit = peeringEdit(current, p.fields, { project: rc.project, network: p.network, peering: p.name });
      return peeringDocument(await svc.writable().updatePeering({ ...edit, ...ref }, { request: rc }));
    },
  );
  reg(
    peerSetMethod,
    async (p, rc) => peeringDocument(await svc.writable().setPeeringConfig({ project: rc.project, network: p.network, name: p.name, key: p.key, value: p.value }, { request: rc })),
  );
  reg(peerUnsetMethod, async (p, rc) => peeringDocument(await svc.writable().unsetPeeringConfig({ project: rc.project, network: p.network, name: p.name, key: p.key }, { request: rc })));
  reg(
    peerGetMethod,
    (p, rc) => ({ key: p.key, value: svc.readable().getPeeringConfig({ project: rc.project, network: p.network, name: p.name, key: p.key }) ?? null }),
  );
  reg(
    peerDeleteMethod,
    async (p, rc) => {
      const request = { project: rc.project, network: p.network, name: p.name };
      if (p.dryRun) return dryRun({ op: 'deletePeering', request });
      await svc.writable().deletePeering(request, { request: rc });
      return { deleted: true as const };
    },
  );

  return { name: 'networks' };
}
