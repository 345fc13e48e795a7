import { readFileSync } from 'node:fs';

/** The files this example ships, by role. */
export const FILES = {
  dashboard: new URL('../grafana-dashboard.json', import.meta.url),
  alerts: new URL('../prometheus-alerts.yml', import.meta.url),
  prometheusConfig: new URL('../prometheus.yml', import.meta.url),
  compose: new URL('../docker-compose.yml', import.meta.url),
} as const;

export interface PanelQuery {
  readonly panel: string;
  readonly refId: string;
  /** As written in the dashboard, with Grafana variables. */
  readonly expr: string;
}

interface Panel {
  readonly title: string;
  readonly type: string;
  readonly targets?: readonly { refId: string; expr?: string }[];
  readonly panels?: readonly Panel[];
}

/** Every PromQL query of the dashboard, rows included. */
export function dashboardQueries(): PanelQuery[] {
  const dashboard = JSON.parse(readFileSync(FILES.dashboard, 'utf8')) as { panels: Panel[] };
  const walk = (panels: readonly Panel[]): PanelQuery[] =>
    panels.flatMap((p) => [
      ...(p.targets ?? []).flatMap((t) =>
        t.expr === undefined ? [] : [{ panel: p.title, refId: t.refId, expr: t.expr }],
      ),
      ...walk(p.panels ?? []),
    ]);
  return walk(dashboard.panels);
}

/**
 * A dashboard query as Prometheus can run it: Grafana's variables replaced by what Grafana would send with
 * "All" breakers selected and a short rate window (fit for a 1 s scrape interval).
 * @throws Error when a variable is left that this function does not know.
 */
export function toPromQL(expr: string, rateWindow = '5s'): string {
  const promql = expr.replaceAll('$__rate_interval', rateWindow).replaceAll('$breaker', '.*');
  if (promql.includes('$')) throw new Error(`unknown Grafana variable in: ${expr}`);
  return promql;
}
