// What a kind of NIC provides to be planned: a one-pass validation of the client's params, the
// host facts it needs, its checks against them, and its XML and steps once the MAC is known.
import type { ValidateOptions } from '../domxml/validate.js';
import type { HostFacts, LinkQuestions } from './facts.js';
import type { AttachPlan, BoundAttach } from './plan.js';
import type { NicRequest } from './request.js';

export interface NicKind<Req extends NicRequest, Spec> {
  readonly kind: Req['kind'];
  /** Throws lib/domxml's InvalidFieldError or UnsupportedCombinationError naming the field. */
  validate(raw: unknown, options?: ValidateOptions): Req;
  questions(req: Req): LinkQuestions;
  /** Throws the refusal (lib/nic's or lib/domxml's error) of the first check that fails. */
  plan(req: Req, facts: HostFacts): AttachPlan<Req>;
  /** Throws lib/domxml's DuplicateIdentityError when the domain has the MAC or alias already. */
  bind(plan: AttachPlan<Req>, mac: string): BoundAttach<Spec>;
}
