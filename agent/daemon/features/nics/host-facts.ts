// The facts lib/nic plans from, read from the inventory (libvirt) and the host's links (sysfs, ip):
// the I/O half of planning, answering exactly the questions the NIC's kind asked.
import type { HostFacts, LinkFacts, LinkQuestions } from '../../../../lib/nic/facts.js';
import { bridgeFacts, qbgVerdict, sourceExists } from './host-links.js';
import type { DomainView } from './inventory.js';

export async function hostFacts(views: readonly DomainView[], view: DomainView, questions: LinkQuestions): Promise<HostFacts> {
  const macHolders = new Map<string, string>();
  for (const v of views) for (const i of [...(v.live?.ids ?? []), ...(v.config?.ids ?? [])]) if (i.mac !== undefined) macHolders.set(i.mac, v.info.name);
  const links = new Map<string, LinkFacts>();
  for (const name of questions.links) {
    const exists = sourceExists(name);
    // ip runs only for a device that exists and only when the kind needs the verdict.
    let facts: LinkFacts = exists && questions.qbg.includes(name) ? { exists, qbg: await qbgVerdict(name) } : { exists };
    if (exists && questions.bridges?.includes(name) === true) facts = { ...facts, ...(await bridgeFacts(name)) };
    links.set(name, facts);
  }
  return {
    domain: {
      name: view.info.name,
      active: view.active,
      persistent: view.persistent,
      identities: [...(view.live?.ids ?? []), ...(view.config?.ids ?? [])],
    },
    directNics: views.flatMap((v) => [...(v.live?.direct ?? []), ...(v.config?.direct ?? [])]),
    macHolders,
    links,
  };
}
