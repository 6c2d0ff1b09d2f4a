/**
 * The local runtime's live console (`/_local/console`): tenants with their lifecycle state and history,
 * registrations, Marketplace subscribers, the event timeline with every delivery's outcome, jobs with
 * their output, and the handler instances (cold starts, concurrency). One static page polling `/_local/api/state` once a
 * second; everything is read from the engines (DynamoDB Local) and the runtime's own records.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { TimelineEvent } from './event-router';
import type { LambdaPool } from './lambda-pool';

export interface JobRecord {
  readonly id: string;
  readonly project: string;
  readonly tenant: string;
  readonly started: string;
  ended?: string;
  status: string;
  readonly lines: string[];
}

let doc: DynamoDBDocumentClient | undefined;

async function scanAll(table: string | undefined, limit = 1000): Promise<Record<string, unknown>[]> {
  if (!table) return [];
  doc ??= DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    out.push(...((r.Items ?? []) as Record<string, unknown>[]));
    start = r.LastEvaluatedKey;
  } while (start && out.length < limit);
  return out;
}

export async function consoleState(s: {
  tenantTable?: string;
  registrationTable?: string;
  timeline: TimelineEvent[];
  jobs: JobRecord[];
  pool: LambdaPool;
  /** Marketplace subscriber items (local/marketplace.ts), when the marketplace stack runs. */
  subscribers?: () => Promise<Record<string, unknown>[]>;
}) {
  const [tenants, registrations, subscribers] = await Promise.all([
    scanAll(s.tenantTable),
    scanAll(s.registrationTable),
    s.subscribers ? s.subscribers() : [],
  ]);
  const byTime = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    String(b.createdAt ?? '').localeCompare(String(a.createdAt ?? ''));
  return {
    time: new Date().toISOString(),
    // name-claim items (`#name#…`) are bookkeeping, not tenants
    tenants: tenants.filter((t) => typeof t.tenantId === 'string' && !t.claimedBy).sort(byTime),
    registrations: registrations.sort(byTime),
    subscribers,
    events: s.timeline.slice(-300).reverse(),
    jobs: s.jobs
      .slice(-100)
      .reverse()
      .map((j) => ({ ...j, lines: j.lines.slice(-400) })),
    functions: Object.fromEntries(s.pool.stats),
  };
}

export const CONSOLE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SBT local console</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d232b}
 header{background:#232f3e;color:#fff;padding:10px 18px;display:flex;gap:18px;align-items:baseline}
 header h1{font-size:17px;margin:0} header span{opacity:.75;font-size:12px}
 main{display:grid;grid-template-columns:1fr 1fr;gap:14px;padding:14px}
 section{background:#fff;border:1px solid #d5dbe3;border-radius:6px;padding:10px 12px;overflow:auto;max-height:46vh}
 h2{font-size:14px;margin:0 0 8px} table{border-collapse:collapse;width:100%} td,th{padding:3px 6px;border-bottom:1px solid #eef0f3;text-align:left;vertical-align:top;font-size:12.5px}
 .state{font-weight:600;padding:1px 6px;border-radius:9px;background:#e6eefc}
 .ACTIVE,.ok,.SUCCEEDED{background:#dff3e4;color:#1b6b33} .PROVISION_FAILED,.DEPROVISION_FAILED,.error,.FAILED{background:#fde2e1;color:#a1261d}
 .GRANTED{background:#dff3e4;color:#1b6b33} .REVOKED{background:#eceff3;color:#555}
 .PROVISIONING,.OFFBOARDING,.running,.IN_PROGRESS,.PENDING{background:#fff3d6;color:#8a5b00} .OFFBOARDED{background:#eceff3;color:#555}
 pre{margin:4px 0;background:#0f1720;color:#d7e1ec;padding:6px;border-radius:4px;font-size:12px;max-height:220px;overflow:auto;white-space:pre-wrap}
 details summary{cursor:pointer} .muted{color:#6b7785}
</style></head>
<body>
<header><h1>SBT local console</h1><span id="status">connecting…</span></header>
<main>
 <section id="tenants"><h2>Tenants</h2><div class="body"></div></section>
 <section id="events"><h2>Event timeline</h2><div class="body"></div></section>
 <section id="jobs"><h2>Jobs</h2><div class="body"></div></section>
 <section id="registrations"><h2>Registrations</h2><div class="body"></div></section>
 <section id="subscribers"><h2>Marketplace subscribers</h2><div class="body"></div></section>
 <section id="functions"><h2>Function instances</h2><div class="body"></div></section>
</main>
<script>
const esc = (v) => String(v ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const pill = (s) => '<span class="state ' + esc(s) + '">' + esc(s) + '</span>';
const open = new Set();
function keepOpen(root) {
  root.querySelectorAll('details[data-key]').forEach((d) => d.addEventListener('toggle', () => d.open ? open.add(d.dataset.key) : open.delete(d.dataset.key)));
}
function render(id, html) { const el = document.querySelector('#' + id + ' .body'); el.innerHTML = html; keepOpen(el); }
function det(key, summary, inner) { return '<details data-key="' + esc(key) + '"' + (open.has(key) ? ' open' : '') + '><summary>' + summary + '</summary>' + inner + '</details>'; }
async function tick() {
  try {
    const s = await (await fetch('/_local/api/state')).json();
    document.getElementById('status').textContent = 'live · ' + s.tenants.length + ' tenants · ' + s.events.length + ' events · ' + new Date(s.time).toLocaleTimeString();
    render('tenants', s.tenants.length ? '<table><tr><th>tenant</th><th>state</th><th>tier</th><th>history</th></tr>' + s.tenants.map((t) =>
      '<tr data-tenant="' + esc(t.tenantId) + '"><td><b>' + esc(t.tenantName) + '</b><br><span class="muted">' + esc(t.tenantId) + '</span></td><td>' + pill(t.lifecycleState) + '</td><td>' + esc(t.tier) + '</td><td>' +
      det('h' + t.tenantId, (t.lifecycleHistory || []).length + ' transitions', '<table>' + (t.lifecycleHistory || []).map((h) => '<tr><td>' + esc(h.at || h.time) + '</td><td>' + esc(h.from) + ' → ' + esc(h.to) + '</td><td>' + esc(h.event) + '</td></tr>').join('') + '</table>' + (t.lastError ? '<pre>' + esc(JSON.stringify(t.lastError, null, 1)) + '</pre>' : '')) +
      '</td></tr>').join('') + '</table>' : '<p class="muted">No tenants yet: POST /tenants.</p>');
    render('events', s.events.length ? '<table>' + s.events.map((e) =>
      '<tr class="event"><td class="muted">' + esc(e.time.slice(11, 23)) + '</td><td><b>' + esc(e.detailType) + '</b> <span class="muted">' + esc(e.source) + '</span>' +
      (e.detail.tenantId ? ' <span class="muted">tenant ' + esc(e.detail.tenantId) + '</span>' : '') + '<br>' +
      (e.deliveries.length ? e.deliveries.map((d) => pill(d.outcome) + ' ' + esc(d.kind) + ' ' + esc(d.target.replace(/_[0-9A-F]{8}$/, '')) + (d.detail ? ' <span class="muted">' + esc(d.detail) + '</span>' : '')).join('<br>') : '<span class="muted">no rule matched</span>') +
      '</td></tr>').join('') + '</table>' : '<p class="muted">No events yet.</p>');
    render('jobs', s.jobs.length ? s.jobs.map((j) => det('j' + j.id, pill(j.status) + ' ' + esc(j.project) + ' · tenant ' + esc(j.tenant) + ' <span class="muted">' + esc(j.started.slice(11, 19)) + '</span>', '<pre class="log">' + esc(j.lines.join('\\n')) + '</pre>')).join('') : '<p class="muted">No jobs yet.</p>');
    render('registrations', s.registrations.length ? '<table><tr><th>registration</th><th>tenant</th><th>state</th></tr>' + s.registrations.map((r) =>
      '<tr><td>' + esc(r.tenantRegistrationId) + '</td><td>' + esc(r.tenantId) + '</td><td>' + pill(r.lifecycleState || r.registrationStatus) + '</td></tr>').join('') + '</table>' : '<p class="muted">No registrations yet.</p>');
    render('subscribers', (s.subscribers || []).length ? '<table><tr><th>subscriber</th><th>company</th><th>subscription</th><th>access</th><th>entitled</th><th>tenant</th></tr>' + s.subscribers.map((m) =>
      '<tr data-subscriber="' + esc(m.subscriberId) + '"><td>' + esc(m.subscriberId) + '<br><span class="muted">' + esc(m.customerIdentifier) + ' · ' + esc(m.customerAWSAccountId) + '</span></td><td>' + esc((m.registration || {}).companyName) + '</td><td>' +
      esc(m.licenseStatus || m.subscriptionStatus || '-') + '</td><td>' + pill(m.access || 'PENDING') + '</td><td>' + esc((m.entitlements || []).map((e) => e.dimension).join(', ')) + '</td><td>' + esc(m.tenantId) + '</td></tr>').join('') + '</table>' : '<p class="muted">No subscribers yet: POST /_local/marketplace/subscribe, then the buyer lands and registers.</p>');
    render('functions', '<table><tr><th>function</th><th>instances started</th><th>invocations</th><th>max concurrent</th><th>running</th></tr>' + Object.entries(s.functions).map(([n, f]) =>
      '<tr><td>' + esc(n) + '</td><td>' + f.coldStarts + '</td><td>' + f.invocations + '</td><td>' + f.maxConcurrent + '</td><td>' + f.running + '</td></tr>').join('') + '</table>');
  } catch (e) { document.getElementById('status').textContent = 'disconnected: ' + e; }
  setTimeout(tick, 1000);
}
tick();
</script></body></html>`;
