// `npm run smoke`: checks the shipped files without Docker: the dashboard's panels and queries, the files
// docker-compose.yml mounts, and (when promtool is installed) the Prometheus config and alert rules.
// The end-to-end test (npm run test:e2e) runs every query against a real Prometheus.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dashboardQueries, FILES, toPromQL } from './dashboard.js';

const METRICS = [
  'tripswitch_breaker_calls_total',
  'tripswitch_breaker_call_duration_bucket',
  'tripswitch_breaker_transitions_total',
  'tripswitch_breaker_status',
  'tripswitch_breaker_active_calls',
  'tripswitch_breaker_failure_rate',
  // @tripswitch/redis (fleet coordination)
  'tripswitch_coordination_messages_total',
  'tripswitch_coordination_connected',
];

const queries = dashboardQueries();
const panels = new Set(queries.map((q) => q.panel));
for (const title of [
  'Breaker state over time',
  'Calls/s by outcome',
  'Rejection rate',
  'Transitions',
  'p95 call duration',
  'Failure rate',
]) {
  assert.ok(panels.has(title), `the dashboard has a "${title}" panel with a query`);
}
for (const q of queries) {
  toPromQL(q.expr); // throws on a Grafana variable the e2e test could not substitute
  // A metric name is followed by its selector or range; labels are followed by `=` or `,`.
  const metrics = [...q.expr.matchAll(/(tripswitch_[a-z_]+)\s*[{[]/g)].map((m) => m[1]);
  assert.ok(metrics.length > 0, `${q.panel}/${q.refId} queries a tripswitch metric`);
  for (const name of metrics)
    assert.ok(METRICS.includes(name!), `${name} (in ${q.panel}) is a documented metric`);
}

const compose = readFileSync(FILES.compose, 'utf8');
const mounts = [...compose.matchAll(/- \.\/([^:]+):/g)].map((m) => m[1]!);
assert.ok(mounts.length >= 4, 'compose mounts the config, the rules, the provisioning and the dashboard');
for (const path of mounts) assert.ok(existsSync(new URL(`../${path}`, import.meta.url)), `${path} exists`);

let promtool = 'skipped (promtool is not installed)';
try {
  execFileSync('promtool', ['--version'], { stdio: 'ignore' });
  execFileSync('promtool', ['check', 'config', fileURLToPath(FILES.prometheusConfig)], { stdio: 'pipe' });
  execFileSync('promtool', ['check', 'rules', fileURLToPath(FILES.alerts)], { stdio: 'pipe' });
  promtool = 'promtool check config + rules passed';
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
console.log(
  `observability smoke: ok (${queries.length} dashboard queries, ${mounts.length} compose mounts; ${promtool})`,
);
