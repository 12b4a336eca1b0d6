// The methods every hvnetd has: its status, its version, and the list of what it serves.
import { API_VERSION, methodsMethod, statusMethod, versionMethod } from '../../api/methods.js';
import type { ReportingStatus } from '../../api/methods.js';
import type { DaemonContext, Feature } from '../feature.js';

export function createCoreFeature(ctx: Pick<DaemonContext, 'methods' | 'health' | 'reporter' | 'info'>): Feature {
  const reporting = (): ReportingStatus =>
    ctx.reporter?.stats() ?? { enabled: false, lastSequence: 0, pending: 0, pendingBytes: 0, delivered: 0, failures: 0, unanswered: 0, dropped: 0 };
  ctx.methods.register(statusMethod, () => ({ status: ctx.health.status, daemon: ctx.info, reporting: reporting() }));
  ctx.methods.register(versionMethod, () => ({ version: ctx.info.version, api: API_VERSION }));
  ctx.methods.register(methodsMethod, () => ctx.methods.list());
  return { name: 'core' };
}
