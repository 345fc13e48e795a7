import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** OTLP span kinds (opentelemetry-proto): what Jaeger shows as internal, server, client. */
export const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 } as const;

interface OtlpValue {
  readonly stringValue?: string;
  readonly intValue?: number | string;
  readonly doubleValue?: number;
  readonly boolValue?: boolean;
}

interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes?: readonly { key: string; value: OtlpValue }[];
  readonly links?: readonly { traceId: string; spanId: string }[];
  readonly status?: { code?: number; message?: string };
}

/** A received span, flattened: attributes as plain values, ids as sent (hex in OTLP/JSON). */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly links: readonly { traceId: string; spanId: string }[];
  readonly statusCode: number;
}

export interface OtlpReceiver {
  /** What to put in OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly endpoint: string;
  readonly spans: ReceivedSpan[];
  /** Requests that were not OTLP/JSON trace exports. */
  readonly rejected: string[];
  close(): Promise<void>;
}

const plain = (v: OtlpValue) =>
  v.stringValue ??
  (v.intValue === undefined ? undefined : Number(v.intValue)) ??
  v.doubleValue ??
  v.boolValue;

function flatten(span: OtlpSpan): ReceivedSpan {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId || undefined,
    name: span.name,
    kind: span.kind,
    attributes: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, plain(a.value)])),
    links: (span.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
    statusCode: span.status?.code ?? 0,
  };
}

/** A minimal OTLP/HTTP JSON trace receiver on 127.0.0.1 (what Jaeger's port 4318 does, minus the storage). */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const rejected: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const type = req.headers['content-type'] ?? '';
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !type.startsWith('application/json')) {
        rejected.push(`${req.method} ${req.url} ${type}`);
        res.writeHead(415).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[];
      };
      for (const rs of body.resourceSpans ?? []) {
        for (const ss of rs.scopeSpans ?? []) for (const span of ss.spans ?? []) spans.push(flatten(span));
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    rejected,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
