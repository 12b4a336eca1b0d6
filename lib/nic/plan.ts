// A plan: what an attach or detach will do, in order, and what undoes each step when a later one
// fails. Plain data made by a kind (kinds/*.ts); the caller applies the steps and, on a failure,
// the rollback this file derives, without knowing the kind.
import type { NicIdentity } from './facts.js';

export type DeviceScope = 'live' | 'config';

/** How the MAC is got: the client's (the caller claims it in its pool) or the pool's next free one. */
export type MacChoice = { readonly from: 'request'; readonly mac: string } | { readonly from: 'pool' };

/** The checks passed: everything decided before a MAC is reserved. */
export interface AttachPlan<Req> {
  readonly request: Req;
  readonly live: boolean;
  readonly config: boolean;
  /** Why the domain may not start with this NIC on this host (said, not refused: config only). */
  readonly warnings: readonly string[];
  readonly mac: MacChoice;
  /** The domain's NICs, which the bound MAC and alias must not repeat. */
  readonly taken: readonly NicIdentity[];
}

export interface DeviceStep {
  readonly op: 'attach' | 'detach';
  readonly scope: DeviceScope;
  readonly xml: string;
  /** The user alias libvirt's removal event names (detach confirmation). */
  readonly alias?: string | undefined;
}

/** An attach step with the step that takes it back. */
export interface AttachStep extends DeviceStep {
  readonly op: 'attach';
  readonly undo: DeviceStep;
}

/** A plan with its MAC: the XML and the steps that apply it. */
export interface BoundAttach<Spec> {
  readonly mac: string;
  readonly alias: string;
  readonly spec: Spec;
  readonly xml: string;
  /** In order: live first, so a refused hot-plug leaves the definition untouched. */
  readonly steps: readonly AttachStep[];
}

export type RollbackStep = DeviceStep | { readonly op: 'release-mac'; readonly mac: string } | { readonly op: 'keep-mac'; readonly mac: string };

/**
 * What to do after `failed` threw: undo the steps done before it, newest first, then give the
 * MAC back, unless libvirt may still be applying `failed` (outcome unknown): then the MAC stays
 * reserved until the next rebuild from the domains says whether the NIC exists.
 */
export function rollbackAfter<Spec>(bound: BoundAttach<Spec>, failed: AttachStep, outcomeUnknown: boolean): RollbackStep[] {
  const at = bound.steps.indexOf(failed);
  if (at < 0) throw new Error('rollbackAfter: the failed step is not one of the plan');
  const out: RollbackStep[] = bound.steps.slice(0, at).reverse().map((done) => done.undo);
  out.push({ op: outcomeUnknown ? 'keep-mac' : 'release-mac', mac: bound.mac });
  return out;
}

/** A detach: the steps (live first, so the definition keeps the NIC until the guest let go). */
export interface DetachPlan {
  readonly domain: string;
  /** Empty when no copy of the NIC carries one (libvirt not done with it yet). */
  readonly mac: string;
  readonly alias?: string | undefined;
  readonly steps: readonly DeviceStep[];
}
