// `peer show --trace`: the probes of lib/ovn/trace-plan.ts run through the real ovn-trace against
// the SB of ovn.sb.remotes, and judged by lib/ovn/trace-parse.ts. hvnetd keeps no SB connection
// of its own: ovn-trace reads the SB on each run, which is what an operator would do by hand, and
// a trace is asked for rarely.
import { execFile } from 'node:child_process';
import { NotATraceError, judgeTrace, parseTraceHops } from '../../../../lib/ovn/trace-parse.js';
import { noSharedFamilyTrace, planPeeringTrace } from '../../../../lib/ovn/trace-plan.js';
import type { TraceNetwork, TraceProbe } from '../../../../lib/ovn/trace-plan.js';
import { HvnetError } from '../../../api/errors.js';
import type { PeeringTrace, TraceDirection } from '../../../api/peer-trace.js';
import type { Config } from '../../../config/schema.js';

export type SbConfig = NonNullable<Config['ovn']['sb']>;

/** Said when ovn.sb is not configured. */
export const NO_SB = 'no SB configured (ovn.sb.remotes): the trace needs the OVN Southbound';

/** Said of a pending peering, whatever its target. */
export const PENDING = 'the peering is pending: there are no peer ports to trace';

/** ovn-trace prints every flow it matched; a few peerings' worth is far below this. */
const MAX_OUTPUT = 16 * 1024 * 1024;

function traceArgs(sb: SbConfig, probe: TraceProbe): string[] {
  const ssl = sb.ssl ? [`--private-key=${sb.ssl.privateKey}`, `--certificate=${sb.ssl.certificate}`, `--ca-cert=${sb.ssl.caCertificate}`] : [];
  return [`--db=${sb.remotes}`, ...ssl, probe.datapath, probe.flow];
}

/** One ovn-trace run; its failures become the daemon's errors (unavailable, timeout). */
export function runOvnTrace(sb: SbConfig, probe: TraceProbe): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ovn-trace', traceArgs(sb, probe), { timeout: sb.traceTimeoutMs, maxBuffer: MAX_OUTPUT, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) {
        resolve(stdout);
        return;
      }
      const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
      if (e.code === 'ENOENT') {
        reject(new HvnetError('HVNET_OVN_UNAVAILABLE', 'ovn-trace is not installed (package ovn-central or ovn-host)', {}, { cause: err }));
      } else if (e.killed === true || e.signal === 'SIGTERM') {
        reject(new HvnetError('HVNET_TIMEOUT', `ovn-trace did not finish within ${sb.traceTimeoutMs} ms (ovn.sb.traceTimeoutMs)`, {}, { cause: err }));
      } else {
        const said = (stderr || stdout).trim().split('\n').at(-1) ?? '';
        reject(new HvnetError('HVNET_OVN_UNAVAILABLE', `ovn-trace failed against the SB ${sb.remotes}: ${said || e.message}`, {}, { cause: err }));
      }
    });
  });
}

export type TraceRunner = (sb: SbConfig, probe: TraceProbe) => Promise<string>;

/**
 * The trace of a peering from `local` towards `remote`; `remote` undefined when the peering is
 * pending. A pending peering has no peer rows to trace, and tracing towards its target would tell
 * whether the target exists, which a pending peering never does: it fails with the same reason
 * whether the target exists or not. An errored peering is mutual, so its target is no secret, and
 * is traced: its rows may be what is wrong. Never throws: a trace that could not be run is
 * `unavailable` with the reason, so the peering's document is still shown.
 */
export async function tracePeering(
  sb: SbConfig | undefined,
  local: TraceNetwork,
  remote: TraceNetwork | undefined,
  run: TraceRunner = runOvnTrace,
): Promise<PeeringTrace> {
  if (!sb) return { verdict: 'unavailable', reason: NO_SB, directions: [] };
  if (!remote) return { verdict: 'fail', reason: PENDING, directions: [] };
  const probes = planPeeringTrace(local, remote);
  if (probes.length === 0) return { verdict: 'fail', reason: noSharedFamilyTrace(local, remote), directions: [] };
  const directions: TraceDirection[] = [];
  // One at a time: each ovn-trace reads the whole SB, and the host has other work.
  for (const probe of probes) {
    let hops;
    try {
      hops = parseTraceHops(await run(sb, probe));
    } catch (e) {
      if (e instanceof HvnetError) return { verdict: 'unavailable', reason: e.message, code: e.code, directions };
      if (e instanceof NotATraceError) return { verdict: 'unavailable', reason: `ovn-trace said: ${e.message}`, code: 'HVNET_OVN_UNAVAILABLE', directions };
      throw e;
    }
    const v = judgeTrace(probe, hops);
    directions.push({ family: probe.family, from: probe.from, to: probe.to, verdict: v.verdict, ...(v.reason === undefined ? {} : { reason: v.reason }), hops: v.hops });
  }
  const failed = directions.find((d) => d.verdict === 'fail');
  return failed ? { verdict: 'fail', reason: `${failed.from} → ${failed.to} (IPv${failed.family}): ${failed.reason ?? 'failed'}`, directions } : { verdict: 'pass', directions };
}
