// The fleet page: every host, its health, peerings and NICs, and duplicate MACs on top, in one
// self-contained HTML document (no scripts, no external assets) that refreshes itself.
import type { HostRecord } from './store.js';
import type { MacConflict } from './mac-conflicts.js';

function esc(s: unknown): string {
  return String(s).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

export function fleetPage(records: readonly HostRecord[], conflicts: readonly MacConflict[], now = new Date()): string {
  const conflictMacs = new Set(conflicts.map((c) => c.mac));
  const rows = records.map((r) => {
    const s = r.report.status;
    const state = s.state === 'operational' ? 'ok' : 'bad';
    const reasons = s.reasons.map((x) => `<li>${esc(x.message)}</li>`).join('');
    const peerings = s.peerings.map((p) => `<li>${esc(p.project)}/${esc(p.network)} ↔ ${esc(p.target_project)}/${esc(p.target_network)} (${esc(p.status)})</li>`).join('') || '<li class="none">none</li>';
    const nics = s.nics
      .map((n) => `<li class="${conflictMacs.has(n.mac.toLowerCase()) ? 'bad' : ''}">${esc(n.vm)} ${esc(n.mac)}${n.mode ? ` ${esc(n.mode)}` : ''}</li>`)
      .join('') || '<li class="none">none</li>';
    return `<tr>
  <td>${esc(r.host)}<br><small>${esc(s.agent.version)}</small></td>
  <td class="${state}">${esc(s.state)}<ul>${reasons}</ul></td>
  <td>${esc(s.ovn.nb.state)}</td>
  <td><ul>${peerings}</ul></td>
  <td><ul>${nics}</ul></td>
  <td>${esc(r.receivedAt)}<br><small>seq ${esc(r.lastSequence)}, ${esc(r.missed)} missed</small></td>
</tr>`;
  });
  const warn = conflicts.length
    ? `<div class="bad"><b>MAC addresses on more than one host:</b><ul>${conflicts.map((c) => `<li>${esc(c.mac)}: ${c.hosts.map(esc).join(', ')}</li>`).join('')}</ul></div>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="10">
<title>hvnet fleet</title>
<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}
.ok{color:#075}.bad{color:#b00}.none{color:#888}ul{margin:0;padding-left:1.1em}</style></head>
<body><h1>hvnet fleet</h1><p>${records.length} hosts, ${esc(now.toISOString())}</p>${warn}
<table><tr><th>host</th><th>health</th><th>OVN NB</th><th>peerings</th><th>NICs</th><th>last report</th></tr>
${rows.join('\n')}
</table></body></html>
`;
}
