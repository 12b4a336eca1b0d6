// Network integrations (`hvnet network integration …`): the network.integration.* methods. The
// integrations live in the OVN NB (lib/ovn/remote/integration.ts), read from the networks
// service's cache and written through the daemon's one NB transaction path, so every hvnetd on
// the NB serves the same ones. Key files are checked to be readable here, before planning:
// a path that does not work is refused at create/set, not found at the first TLS handshake.
import type { TSchema } from '@sinclair/typebox';
import { applyPlan } from '../../../../lib/ovn/apply.js';
import type { Planner } from '../../../../lib/ovn/apply.js';
import { checkIntegrationFiles } from '../../../../lib/ovn/remote/integration-files.js';
import {
  checkIntegrationConfig,
  checkIntegrationName,
  getIntegrationConfig,
  listIntegrations,
  planCreateIntegration,
  planDeleteIntegration,
  planSetIntegrationConfig,
  planUnsetIntegrationConfig,
  planUpdateIntegration,
  readIntegration,
  showIntegration,
} from '../../../../lib/ovn/remote/integration.js';
import {
  integrationCreateMethod,
  integrationDeleteMethod,
  integrationGetMethod,
  integrationListMethod,
  integrationSetMethod,
  integrationShowMethod,
  integrationUnsetMethod,
  integrationUpdateMethod,
} from '../../../api/integrations.js';
import type { MethodSpec } from '../../../api/methods.js';
import type { DaemonContext, Feature } from '../../feature.js';
import type { Handler } from '../../registry.js';
import { integrationDocument } from './documents.js';
import { fromRemoteError } from './errors.js';

export function createIntegrationsFeature(ctx: Pick<DaemonContext, 'methods' | 'networks' | 'nb' | 'health' | 'remotePeerings'>): Feature {
  const svc = ctx.networks;
  const remote = ctx.remotePeerings;
  remote.start();
  // Shown with each peering (its `warning`) and as events of the host status.
  ctx.health.addContributor((s) => {
    const at = new Date().toISOString();
    const events = [...remote.warnings].map(([subject, message]) => ({ at, code: 'remote-peering-warning', subject, message }));
    if (events.length > 0) s.events = [...(s.events ?? []), ...events];
  });
  remote.on('warnings', () => ctx.health.update());
  const view = () => svc.readable().view;
  /** `request`: the API call served, named in the log of a failed transaction. */
  const apply = async <R>(planner: Planner<R>, request: object): Promise<R> => {
    svc.writable();
    const transactor = { transact: ctx.nb.transact.bind(ctx.nb), session: ctx.nb.client.session };
    return (await applyPlan(transactor, svc.ovn.view, planner, { context: {}, request })).result;
  };
  /** The files the config would name once written: each must be readable by this hvnetd. */
  const checkFiles = (name: string, config: Record<string, string>): void => checkIntegrationFiles(name, checkIntegrationConfig(name, config));
  const current = (name: string): Record<string, string> => readIntegration(view(), checkIntegrationName(name))?.config ?? {};

  const reg = <P extends TSchema, R extends TSchema>(spec: MethodSpec<P, R>, fn: Handler<P, R>): void =>
    ctx.methods.register(spec, async (p, rc) => {
      try {
        return await fn(p, rc);
      } catch (e) {
        throw fromRemoteError(e);
      }
    });

  reg(integrationCreateMethod, async (p, rc) => {
    const request = {
      name: p.name,
      ...(p.type === undefined ? {} : { type: p.type }),
      ...(p.description === undefined ? {} : { description: p.description }),
      ...(p.config === undefined ? {} : { config: p.config }),
    };
    checkIntegrationName(p.name);
    checkFiles(p.name, p.config ?? {});
    return integrationDocument(await apply((v, o) => planCreateIntegration(v, request, o), rc));
  });
  reg(integrationListMethod, () => listIntegrations(view()).map(integrationDocument));
  reg(integrationShowMethod, (p) => integrationDocument(showIntegration(view(), p.name)));
  reg(integrationUpdateMethod, async (p, rc) => {
    showIntegration(view(), p.name);
    const config = p.fields.config;
    if (config !== undefined) checkFiles(p.name, config as Record<string, string>);
    return integrationDocument(await apply((v) => planUpdateIntegration(v, { name: p.name, fields: p.fields }), rc));
  });
  reg(integrationSetMethod, async (p, rc) => {
    showIntegration(view(), p.name);
    checkFiles(p.name, { ...current(p.name), [p.key]: p.value });
    return integrationDocument(await apply((v) => planSetIntegrationConfig(v, { name: p.name, key: p.key, value: p.value }), rc));
  });
  reg(integrationUnsetMethod, async (p, rc) => integrationDocument(await apply((v) => planUnsetIntegrationConfig(v, { name: p.name, key: p.key }), rc)));
  reg(integrationGetMethod, (p) => ({ key: p.key, value: getIntegrationConfig(view(), { name: p.name, key: p.key }) ?? null }));
  reg(integrationDeleteMethod, async (p, rc) => {
    await apply((v, o) => planDeleteIntegration(v, { name: p.name }, o), rc);
    return { deleted: true as const };
  });
  return { name: 'integrations' };
}
