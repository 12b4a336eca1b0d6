// `hvnet status` in table form on a hub: peerings as counts by status and the problems (at most
// MAX_PROBLEM_PEERINGS, the rest counted), never a row per peering; the status itself carries no
// more than that (the list is `network peer list`).
import assert from 'node:assert/strict';
import type { Static } from '@sinclair/typebox';
import type { statusMethod } from '../../agent/api/methods.js';
import { MAX_PROBLEM_PEERINGS } from '../../agent/api/status.js';
import type { PeeringSummary } from '../../agent/api/status.js';
import { statusTables } from '../../agent/cli/commands/status.js';
import { peeringCounts } from '../../agent/api/peering-counts.js';
import { render } from '../../agent/cli/render.js';

type StatusResult = Static<typeof statusMethod.result>;

function result(peerings: PeeringSummary[]): StatusResult {
  const at = '2026-01-01T00:00:00Z';
  return {
    status: {
      host: { id: 'h1', hostname: 'h1' },
      state: 'operational',
      since: at,
      reasons: [],
      ovn: { nb: { state: 'connected', remotes: 'unix:/nb.sock', synced: true, since: at, reconnects: 0 } },
      libvirt: { state: 'not yet managed', uri: 'test:///default' },
      links: [],
      networks: [],
      peerings: peeringCounts(peerings),
      nics: [],
      agent: { version: '0', startedAt: at },
    },
    daemon: { version: '0', pid: 1, startedAt: at, configFile: '/etc/hvnet/hvnet.yaml', socket: '/run/hvnet.sock' },
    reporting: { enabled: false, lastSequence: 0, pending: 0, pendingBytes: 0, delivered: 0, failures: 0, unanswered: 0, dropped: 0 },
  };
}

const peering = (i: number, status: PeeringSummary['status']): PeeringSummary => ({
  project: 'default',
  network: 'hub',
  name: `to-s${i}`,
  target_project: 'default',
  target_network: `s${i}`,
  type: 'local',
  status,
});

describe('hvnet status (table)', () => {
  it('a 300-spoke hub: counts by status and the peerings not Created, not a row per peering', () => {
    const peerings = Array.from({ length: 300 }, (_, i) => peering(i, i < 3 ? 'Errored' : i < 10 ? 'Pending' : 'Created'));
    const text = render({ data: null, tables: statusTables(result(peerings)) }, 'table');
    assert.match(text, /\| 300 +\| 290 +\| 7 +\| 3 +\| 1 +\|/);
    for (const i of [0, 1, 2, 9]) assert.match(text, new RegExp(`to-s${i} `));
    assert.doesNotMatch(text, /to-s10 |to-s299 /);
    const counts = peeringCounts(peerings);
    assert.deepEqual(counts.problems.map((p) => p.status).slice(0, 4), ['Errored', 'Errored', 'Errored', 'Pending']);
    assert.ok(text.split('\n').length < 40, `${text.split('\n').length} lines:\n${text}`);
  });

  it('many errored peerings: the first MAX_PROBLEM_PEERINGS, then how many more', () => {
    const peerings = Array.from({ length: 1000 }, (_, i) => peering(i, 'Errored'));
    const text = render({ data: null, tables: statusTables(result(peerings)) }, 'table');
    assert.match(text, new RegExp(`… ${1000 - MAX_PROBLEM_PEERINGS} more`));
    assert.doesNotMatch(text, new RegExp(`to-s${MAX_PROBLEM_PEERINGS} `));
    assert.ok(text.split('\n').length < 60);
  });

  it('no peerings: no peering table', () => {
    assert.doesNotMatch(render({ data: null, tables: statusTables(result([])) }, 'table'), /Peerings/);
  });
});
