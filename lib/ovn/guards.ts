// The `wait` operations (timeout 0) that make a planned transaction optimistic: each states a
// fact the planner read from its cache, and the server refuses the whole transaction ("timed
// out", WaitTimedOutError) when another writer changed that fact in between. The applier then
// re-plans from the refreshed cache. This is what keeps two hvnetd on different hosts from both
// deciding "the other side has not declared yet" (write skew): each side's transaction writes its
// own router and guards the other's, so whichever commits second sees a changed guard, re-plans,
// finds the mutual declaration and creates the rows — exactly once.
import { where } from '../ovsdb/operations.js';
import type { Operation } from '../ovsdb/operations.js';
import { map, set, uuid } from '../ovsdb/values.js';
import { nb } from './nb-operations.js';
import { EXT, projectKey } from './ids.js';
import type { GlobalRow, RouterRow, SwitchRow } from './state.js';

/**
 * The router is still exactly as read: any write to it (its settings, a peering declaration, a
 * port or route added or removed, by any writer) gives it a new `_version`. Also fails when the
 * router is gone. One condition whatever the router holds: comparing the whole row made each
 * request on a hub send, and the server compare, all of the hub's declarations, ports and routes.
 */
export function routerUnchanged(row: RouterRow): Operation {
  return {
    op: 'wait',
    table: 'Logical_Router',
    where: [where('_uuid', '==', uuid(row._uuid)), where('_version', '==', uuid(row._version))],
    columns: ['_uuid'],
    until: '!=',
    rows: [],
    timeout: 0,
  };
}

/** No router carries this project/network: the target of a pending peering still does not exist. */
export function networkAbsent(project: string, network: string): Operation {
  return nb.wait('Logical_Router', {
    where: [where('external_ids', 'includes', map({ [EXT.project]: project })), where('external_ids', 'includes', map({ [EXT.network]: network }))],
    columns: ['_uuid'],
    until: '==',
    rows: [],
    timeout: 0,
  });
}

/** No router carries this id (concurrent hvnetd may have allocated the same one). */
export function idFree(id: number): Operation {
  return nb.wait('Logical_Router', {
    where: [where('external_ids', 'includes', map({ [EXT.id]: String(id) }))],
    columns: ['_uuid'],
    until: '==',
    rows: [],
    timeout: 0,
  });
}

/** No network is left in the project (for its deletion). */
export function projectEmpty(project: string): Operation {
  return nb.wait('Logical_Router', {
    where: [where('external_ids', 'includes', map({ [EXT.project]: project }))],
    columns: ['_uuid'],
    until: '==',
    rows: [],
    timeout: 0,
  });
}

/** The project is still recorded (with this value) in NB_Global. */
export function projectPresent(project: string, value: string): Operation {
  return nb.wait('NB_Global', {
    where: [where('external_ids', 'includes', map({ [projectKey(project)]: value }))],
    columns: ['_uuid'],
    until: '!=',
    rows: [],
    timeout: 0,
  });
}

/** NB_Global's external_ids are as read (project changes are serialised through this). */
export function globalUnchanged(row: GlobalRow): Operation {
  return nb.wait('NB_Global', {
    where: [where('_uuid', '==', uuid(row._uuid))],
    columns: ['external_ids'],
    until: '==',
    rows: [{ external_ids: map(Object.entries(row.external_ids)) }],
    timeout: 0,
  });
}

/** NB_Global has no row yet (hvnet creates it when no ovn-northd or ovn-nbctl has). */
export function globalAbsent(): Operation {
  return nb.wait('NB_Global', { where: [], columns: ['_uuid'], until: '==', rows: [], timeout: 0 });
}

/** The switch still has exactly these ports: a port added meanwhile is not deleted unseen. */
export function switchPortsUnchanged(row: SwitchRow): Operation {
  return nb.wait('Logical_Switch', {
    where: [where('_uuid', '==', uuid(row._uuid))],
    columns: ['ports'],
    until: '==',
    rows: [{ ports: set(row.ports.map(uuid)) }],
    timeout: 0,
  });
}
