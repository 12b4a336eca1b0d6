// The daemon methods the CLI calls, by name, each typed by its spec in agent/api. The CLI imports
// the specs' types only: building their TypeBox schemas (the daemon validates with them) was a
// sixth of a `peer list`'s start-up, for a name. test/agent/cli-methods.test.ts checks every name
// here against its spec, so the two cannot drift apart.
import type * as networks from '../api/networks.js';
import type * as integrations from '../api/integrations.js';
import type * as nics from '../api/nics.js';
import type * as core from '../api/methods.js';
import type { DryRunResult } from '../api/networks.js';

/** A method by its name, with its spec's type for the client's params and result. */
export interface MethodRef<M> {
  readonly name: string;
  /** Never set: carries the spec's type. */
  readonly spec?: M;
}

function ref<M>(name: string): MethodRef<M> {
  return { name };
}

/** Keyed by the names of the specs' exports. */
export const CLI_METHODS = {
  statusMethod: ref<typeof core.statusMethod>('status'),
  projectCreateMethod: ref<typeof networks.projectCreateMethod>('project.create'),
  projectListMethod: ref<typeof networks.projectListMethod>('project.list'),
  projectDeleteMethod: ref<typeof networks.projectDeleteMethod>('project.delete'),
  networkCreateMethod: ref<typeof networks.networkCreateMethod>('network.create'),
  networkListMethod: ref<typeof networks.networkListMethod>('network.list'),
  networkShowMethod: ref<typeof networks.networkShowMethod>('network.show'),
  networkDeleteMethod: ref<typeof networks.networkDeleteMethod>('network.delete'),
  peerCreateMethod: ref<typeof networks.peerCreateMethod>('network.peer.create'),
  peerListMethod: ref<typeof networks.peerListMethod>('network.peer.list'),
  peerShowMethod: ref<typeof networks.peerShowMethod>('network.peer.show'),
  peerUpdateMethod: ref<typeof networks.peerUpdateMethod>('network.peer.update'),
  peerSetMethod: ref<typeof networks.peerSetMethod>('network.peer.set'),
  peerUnsetMethod: ref<typeof networks.peerUnsetMethod>('network.peer.unset'),
  peerGetMethod: ref<typeof networks.peerGetMethod>('network.peer.get'),
  peerDeleteMethod: ref<typeof networks.peerDeleteMethod>('network.peer.delete'),
  integrationCreateMethod: ref<typeof integrations.integrationCreateMethod>('network.integration.create'),
  integrationListMethod: ref<typeof integrations.integrationListMethod>('network.integration.list'),
  integrationShowMethod: ref<typeof integrations.integrationShowMethod>('network.integration.show'),
  integrationUpdateMethod: ref<typeof integrations.integrationUpdateMethod>('network.integration.update'),
  integrationSetMethod: ref<typeof integrations.integrationSetMethod>('network.integration.set'),
  integrationUnsetMethod: ref<typeof integrations.integrationUnsetMethod>('network.integration.unset'),
  integrationGetMethod: ref<typeof integrations.integrationGetMethod>('network.integration.get'),
  integrationDeleteMethod: ref<typeof integrations.integrationDeleteMethod>('network.integration.delete'),
  nicAttachMethod: ref<typeof nics.nicAttachMethod>('nic.attach'),
  nicDetachMethod: ref<typeof nics.nicDetachMethod>('nic.detach'),
  nicListMethod: ref<typeof nics.nicListMethod>('nic.list'),
  nicPoolMethod: ref<typeof nics.nicPoolMethod>('nic.pool'),
} as const;

/** A reply that is a dry run's plan (api/networks.ts isDryRun, whose module builds the schemas). */
export function isDryRun(r: unknown): r is DryRunResult {
  return typeof r === 'object' && r !== null && (r as { dryRun?: unknown }).dryRun === true;
}
