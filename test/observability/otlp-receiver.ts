import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { listen } from '#kit/http.ts';

// The OTLP protobuf messages, as the OpenTelemetry exporters themselves encode them.
const require = createRequire(import.meta.url);
const { opentelemetry } = require('@opentelemetry/otlp-transformer/build/src/generated/root.js') as {
  opentelemetry: {
    proto: {
      collector: {
        trace: {
          v1: {
            ExportTraceServiceRequest: {
              decode(bytes: Uint8Array): unknown;
              toObject(m: unknown, o: object): unknown;
            };
          };
        };
      };
    };
  };
};
const { ExportTraceServiceRequest } = opentelemetry.proto.collector.trace.v1;

interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string };
}
export interface ReceivedSpan {
  service: string | undefined;
  resource: Record<string, string | undefined>;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  attributes: Record<string, string | undefined>;
}

const record = (pairs: KeyValue[] = []) =>
  Object.fromEntries(pairs.map(({ key, value }) => [key, value.stringValue ?? value.intValue]));

/** An OTLP/HTTP trace receiver (protobuf, POST /v1/traces) on loopback, keeping every span it is sent. */
export async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const contentTypes = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      contentTypes.add(req.headers['content-type'] ?? '');
      const message = ExportTraceServiceRequest.toObject(
        ExportTraceServiceRequest.decode(Buffer.concat(chunks)),
        {
          longs: String,
          bytes: String,
        },
      ) as {
        resourceSpans?: {
          resource?: { attributes?: KeyValue[] };
          scopeSpans?: {
            spans?: (Omit<ReceivedSpan, 'attributes' | 'service' | 'resource'> & {
              attributes?: KeyValue[];
            })[];
          }[];
        }[];
      };
      for (const resourceSpans of message.resourceSpans ?? []) {
        const resource = record(resourceSpans.resource?.attributes);
        for (const scope of resourceSpans.scopeSpans ?? [])
          for (const span of scope.spans ?? [])
            spans.push({
              ...span,
              service: resource['service.name'],
              resource,
              attributes: record(span.attributes),
            });
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  const listening = await listen(server, 0);
  return { url: listening.url, spans, contentTypes, close: listening.close };
}
