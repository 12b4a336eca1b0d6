// The pure part of `peer show --trace`: the probes planned for a peering, and the verdicts read
// from ovn-trace outputs recorded from the real tool (OVN 23.03) on networks 1 and 2 peered the
// way hvnet peers them: created, and with network 2's peer port deleted.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NotATraceError, judgeTrace, parseTraceHops } from '../../lib/ovn/trace-parse.js';
import { planPeeringTrace, sourceAddress } from '../../lib/ovn/trace-plan.js';
import type { TraceNetwork, TraceProbe } from '../../lib/ovn/trace-plan.js';
import { parseGatewayCidr } from '../../lib/ovn/cidr.js';
import { networkMac } from '../../lib/ovn/ids.js';

// Fixtures stay in the source tree; tests run from dist/test/ovn.
const FIXTURES = fileURLToPath(new URL('../../../test/ovn/fixtures/', import.meta.url));
const recorded = (name: string): string => readFileSync(`${FIXTURES}${name}`, 'utf8');

const net = (id: number, ipv6: string | null): TraceNetwork => ({ id, project: 'default', name: `n${id}`, mac: networkMac(id), ipv4: `10.10.${id}.1/24`, ipv6 });

describe('ovn: peering trace plan and verdicts (pure)', function () {
  const probes = planPeeringTrace(net(1, 'fd00:1::1/64'), net(2, 'fd00:2::1/64'));
  const at = (i: number): TraceProbe => {
    const p = probes[i];
    assert.ok(p, `probe ${i}`);
    return p;
  };
  const [v4, back4, v6] = [at(0), at(1), at(2)];

  it('plans both ways, IPv4 and IPv6, from the local router towards the other gateway', () => {
    assert.equal(probes.length, 4);
    assert.equal(v4.datapath, 'hvnet-net1-lr');
    assert.equal(
      v4.flow,
      'inport == "hvnet-net1-lr-lrp-int" && eth.src == 0a:68:76:00:00:01 && eth.dst == 02:68:76:00:00:01 && ' +
        'ip4.src == 10.10.1.2 && ip4.dst == 10.10.2.1 && ip.ttl == 64 && icmp4.type == 8',
    );
    assert.deepEqual([back4.from, back4.to, back4.datapath], ['default/n2', 'default/n1', 'hvnet-net2-lr']);
    assert.match(v6.flow, /ip6\.src == fd00:1::2 && ip6\.dst == fd00:2::1 && ip\.ttl == 64 && icmp6\.type == 128$/);
    assert.equal(planPeeringTrace(net(1, null), net(2, 'fd00:2::1/64')).length, 2, 'IPv6 only when both have it');
  });

  it('the source is a host of the subnet other than the gateway', () => {
    assert.equal(sourceAddress(parseGatewayCidr('ipv4', 4, '10.0.0.1/24')), '10.0.0.2');
    assert.equal(sourceAddress(parseGatewayCidr('ipv4', 4, '10.0.0.254/24')), '10.0.0.1');
    assert.equal(sourceAddress(parseGatewayCidr('ipv6', 6, 'fd00::1/127')), 'fd00::');
  });

  it('created: there and back, pass, with both routers and both peer ports among the hops', () => {
    const hops = parseTraceHops(recorded('trace-created.txt'));
    const v = judgeTrace(v4, hops);
    assert.equal(v.verdict, 'pass');
    assert.deepEqual(hops.slice(0, 4), [
      { stage: 'ingress', datapath: 'hvnet-net1-lr', inport: 'hvnet-net1-lr-lrp-int' },
      { stage: 'egress', datapath: 'hvnet-net1-lr', inport: 'hvnet-net1-lr-lrp-int', outport: 'hvnet-net1-lr-lrp-peer-net2' },
      { stage: 'ingress', datapath: 'hvnet-net2-lr', inport: 'hvnet-net2-lr-lrp-peer-net1' },
      { stage: 'egress', datapath: 'hvnet-net2-lr', inport: 'hvnet-net2-lr-lrp-peer-net1', outport: 'hvnet-net2-lr-lrp-peer-net1' },
    ]);
    assert.equal(hops.at(-1)?.datapath, 'hvnet-net1-ls-int', 'the reply ends on the local switch');
    assert.equal(judgeTrace(v6, parseTraceHops(recorded('trace-created-ipv6.txt'))).verdict, 'pass');
  });

  it("one side's peer port gone: fail, naming the crossing that did not happen", () => {
    const v = judgeTrace(v4, parseTraceHops(recorded('trace-one-side-gone.txt')));
    assert.equal(v.verdict, 'fail');
    assert.equal(v.hops.length, 2);
    assert.equal(
      v.reason,
      "the packet did not enter default/n2's router through its peer port hvnet-net2-lr-lrp-peer-net1: " +
        'it was last seen in hvnet-net1-lr (egress hvnet-net1-lr-lrp-peer-net2)',
    );
  });

  it('the trace of the other way does not pass for this one', () => {
    assert.equal(judgeTrace(back4, parseTraceHops(recorded('trace-created.txt'))).verdict, 'fail');
  });

  it('what ovn-trace prints instead of a trace is refused with its text', () => {
    assert.throws(() => parseTraceHops('unknown datapath "hvnet-net9-lr"\n'), (e: unknown) => e instanceof NotATraceError && e.message === 'unknown datapath "hvnet-net9-lr"');
    assert.throws(() => parseTraceHops(''), NotATraceError);
  });
});
