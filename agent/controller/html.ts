// The fleet page: hosts with their state and reasons, each peering once, every NIC, duplicate MACs
// on top, in one self-contained HTML document (no external assets). Long lists are paged (the
// page numbers are query parameters, so a page is a link); a small script turns times into "12 s
// ago" every second and fetches the same address every few seconds to replace the content, so
// it stays current without a reload (and right when a silent host turns unreachable, so the page
// is not a refresh period behind the API). Without the script the page is complete, only frozen.
import type { Fleet, HostView, NicView, PairView } from './fleet.js';
import { msUntilNextUnreachable, pageOf } from './fleet.js';

export const PAGE_SIZE = 100;
/** How often the page fetches itself again: a host back after a stop shows within a second. */
export const REFRESH_MS = 1_000;

export interface PageQuery {
  peerings: number;
  nics: number;
}

function esc(s: unknown): string {
  return String(s).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/** "1 host", "2 hosts", "1 MAC address", "3 MAC addresses". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** "now", "12 s ago", "4 min ago", "2 h ago", "3 d ago": the same words the page's script writes. */
export function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1_000));
  if (s < 1) return 'now';
  if (s < 120) return `${s} s ago`;
  if (s < 7_200) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3_600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

const time = (iso: string, now: number): string => `<time datetime="${esc(iso)}" title="${esc(iso)}">${esc(ago(iso, now))}</time>`;
const cls = (state: string): string => (state === 'operational' || state === 'Created' || state === 'connected' ? 'ok' : state === 'not used' || state === 'not yet managed' ? 'none' : 'bad');

function hostRow(h: HostView, now: number): string {
  const reasons = h.reasons.map((x) => `<li data-code="${esc(x.code)}">${esc(x.message)}</li>`).join('');
  const p = h.peerings;
  return `<tr data-host="${esc(h.host)}" data-state="${esc(h.state)}">
<td><a href="/v1/hosts/${encodeURIComponent(h.host)}">${esc(h.host)}</a><br><small>hvnetd ${esc(h.version)}</small></td>
<td class="${cls(h.state)} state">${esc(h.state)}${reasons ? `<ul class="reasons">${reasons}</ul>` : ''}</td>
<td class="${cls(h.nb)} nb">${esc(h.nb)}</td>
<td class="${cls(h.libvirt)} libvirt">${esc(h.libvirt)}</td>
<td>${plural(p.total, 'peering')}${p.errored + p.pending > 0 ? `<br><small class="bad">${p.errored} errored, ${p.pending} pending</small>` : ''}${p.stale ? '<br><small class="bad">being resent</small>' : ''}</td>
<td>${plural(h.nics, 'NIC')}</td>
<td class="last-report">${time(h.receivedAt, now)}<br><small>${esc(h.lastReportReason)}, every ${plural(h.intervalSeconds, 'second')}, ${plural(h.missed, 'report')} missed</small></td>
</tr>`;
}

function endCell(e: PairView['a']): string {
  if (e.views.length === 0) return `<td>${esc(e.end)}<br><small class="bad">not declared</small></td>`;
  const views = e.views.map((v) => `<span class="${cls(v.status)}">${esc(v.host)}: ${esc(v.status)}</span>`).join(', ');
  return `<td>${esc(e.end)}${e.name ? ` <small>(${esc(e.name)})</small>` : ''}<br><small>${views}</small></td>`;
}

function pairRow(p: PairView): string {
  const label = p.status === 'disagree' ? 'ends disagree' : p.status === 'one-sided' ? 'one side only' : p.status;
  return `<tr data-pair="${esc(p.key)}" data-status="${esc(p.status)}">${endCell(p.a)}${endCell(p.b)}<td class="${cls(p.status)}">${esc(label)}</td></tr>`;
}

function nicRow(n: NicView): string {
  return `<tr data-mac="${esc(n.mac)}"${n.duplicate ? ' class="dup"' : ''}><td>${esc(n.host)}</td><td>${esc(n.domain)}</td><td>${esc(n.kind)}</td><td>${esc(n.source)}</td><td class="addresses">${n.addresses.map(esc).join('<br>')}</td><td>${esc(n.mode)}</td><td>${esc(n.state)}</td><td class="mac">${esc(n.mac)}${n.duplicate ? ' <b class="bad">duplicate</b>' : ''}</td></tr>`;
}

function pager(name: keyof PageQuery, page: number, pages: number, q: PageQuery): string {
  if (pages <= 1) return '';
  const link = (n: number, text: string): string => `<a href="/?${new URLSearchParams({ ...q, [name]: n } as unknown as Record<string, string>).toString()}">${text}</a>`;
  return `<p class="pager" data-list="${name}">page ${page} of ${pages} ${page > 1 ? link(page - 1, '‹ previous') : ''} ${page < pages ? link(page + 1, 'next ›') : ''}</p>`;
}

export function fleetPage(f: Fleet, q: PageQuery): string {
  const now = Date.parse(f.now);
  const count = { operational: 0, 'non-operational': 0, unreachable: 0 };
  for (const h of f.hosts) count[h.state] += 1;
  const pairs = pageOf(f.pairs, q.peerings, PAGE_SIZE);
  const nics = pageOf(f.nics, q.nics, PAGE_SIZE);
  const problems = f.pairs.filter((p) => p.status !== 'Created').length;
  const conflicts = f.macConflicts.length
    ? `<div id="mac-conflicts" class="bad"><b>${plural(f.macConflicts.length, 'MAC address', 'MAC addresses')} on more than one host:</b><ul>${f.macConflicts.map((c) => `<li>${esc(c.mac)}: ${c.hosts.map(esc).join(', ')}</li>`).join('')}</ul></div>`
    : '';
  const due = msUntilNextUnreachable(f.hosts, now);
  const content = `<p id="summary">${plural(f.hosts.length, 'host')}: ${count.operational} operational, ${count['non-operational']} non-operational, ${count.unreachable} unreachable · ${plural(f.pairs.length, 'peering')}${problems ? `, ${problems} not Created` : ''} · ${plural(f.nics.length, 'NIC')} · as of ${time(f.now, now)}</p>
${conflicts}
<h2>Hosts</h2>
<table id="hosts"><thead><tr><th>host</th><th>state</th><th>OVN NB</th><th>libvirt</th><th>peerings</th><th>NICs</th><th>last report</th></tr></thead><tbody>
${f.hosts.map((h) => hostRow(h, now)).join('\n')}
</tbody></table>
<h2>Peerings <small>(each once, both ends with every host's view; problems first)</small></h2>
${pager('peerings', pairs.page, pairs.pages, q)}
<table id="peerings"><thead><tr><th>one end</th><th>other end</th><th>status</th></tr></thead><tbody>
${pairs.items.map(pairRow).join('\n')}
</tbody></table>
<h2>NICs <small>(duplicate MACs first)</small></h2>
${pager('nics', nics.page, nics.pages, q)}
<table id="nics"><thead><tr><th>host</th><th>domain</th><th>kind</th><th>source, bridge or network</th><th>addresses</th><th>mode</th><th>state</th><th>MAC</th></tr></thead><tbody>
${nics.items.map(nicRow).join('\n')}
</tbody></table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>hvnet fleet</title>
<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;text-align:left}
.ok{color:#075}.bad{color:#b00}.none{color:#888}ul{margin:0;padding-left:1.1em}tr.dup{background:#fee}nav a{margin-right:1em}</style></head>
<body><h1>hvnet fleet</h1>
<nav>JSON: <a href="/v1/hosts">/v1/hosts</a><a href="/v1/peerings">/v1/peerings</a><a href="/v1/nics">/v1/nics</a></nav>
<main id="fleet"${due === undefined ? '' : ` data-next-unreachable-ms="${due}"`}>${content}</main>
<script>
(() => {
  const ago = ${ago.toString()};
  const tick = () => { const now = Date.now(); for (const t of document.querySelectorAll('time[datetime]')) t.textContent = ago(t.getAttribute('datetime'), now); };
  setInterval(tick, 1000);
  const refresh = async () => {
    try {
      const r = await fetch(location.href, { cache: 'no-store' });
      if (r.ok) {
        const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
        const next = doc.getElementById('fleet');
        if (next) { document.getElementById('fleet').replaceWith(next); tick(); document.body.dataset.refreshed = String(Date.now()); }
      }
    } catch { /* the controller is restarting: the next round tries again */ }
    schedule();
  };
  // Sooner than the period when a host turns unreachable before it (50 ms: past the deadline).
  const schedule = () => {
    const due = Number(document.getElementById('fleet').dataset.nextUnreachableMs ?? NaN);
    setTimeout(refresh, Number.isFinite(due) ? Math.min(${REFRESH_MS}, due + 50) : ${REFRESH_MS});
  };
  schedule();
})();
</script>
</body></html>
`;
}
