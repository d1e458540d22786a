// Sends a described tree of spans through the official OpenTelemetry JS SDK and its OTLP/HTTP exporter.
// Usage: node send-spans.js <spec.json>
// spec: { url, headers, protocol: "json" | "protobuf", resource: {..attributes}, spans: [
//   { name, kind?, parent?: <index>, startMs, endMs, attributes?, events?: [{name, timeMs, attributes}],
//     status?: {code: "ok" | "error", message?} } ] }
'use strict';

const fs = require('node:fs');
const api = require('@opentelemetry/api');
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');

async function main() {
  const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const Exporter = spec.protocol === 'protobuf'
    ? require('@opentelemetry/exporter-trace-otlp-proto').OTLPTraceExporter
    : require('@opentelemetry/exporter-trace-otlp-http').OTLPTraceExporter;

  let failure = null;
  const exporter = new Exporter({ url: spec.url, headers: spec.headers || {} });
  const original = exporter.export.bind(exporter);
  exporter.export = (spans, done) => original(spans, (result) => {
    if (result.code !== 0) {
      failure = result.error ? String(result.error.message || result.error) : 'export failed';
    }
    done(result);
  });

  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(spec.resource || {}),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('llmobserve-tests', '1.0.0');
  const kinds = { internal: api.SpanKind.INTERNAL, client: api.SpanKind.CLIENT, server: api.SpanKind.SERVER };

  const started = [];
  for (const described of spec.spans) {
    const parentContext = described.parent === undefined
      ? api.ROOT_CONTEXT
      : api.trace.setSpan(api.ROOT_CONTEXT, started[described.parent]);
    const span = tracer.startSpan(described.name, {
      kind: kinds[described.kind || 'internal'],
      startTime: described.startMs,
      attributes: described.attributes || {},
    }, parentContext);
    for (const event of described.events || []) {
      span.addEvent(event.name, event.attributes || {}, event.timeMs);
    }
    if (described.status) {
      span.setStatus({
        code: described.status.code === 'error' ? api.SpanStatusCode.ERROR : api.SpanStatusCode.OK,
        message: described.status.message,
      });
    }
    started.push(span);
  }

  // End children before parents, as an application would.
  for (let i = started.length - 1; i >= 0; i--) {
    started[i].end(spec.spans[i].endMs);
  }

  await provider.forceFlush();
  await provider.shutdown();
  const ids = started.map((s) => ({ traceId: s.spanContext().traceId, spanId: s.spanContext().spanId }));
  process.stdout.write(JSON.stringify({ ids, failure }) + '\n');
  process.exit(failure ? 1 : 0);
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack || error) + '\n');
  process.exit(2);
});
