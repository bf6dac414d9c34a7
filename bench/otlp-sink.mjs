// node bench/otlp-sink.mjs [port=4318]: an OTLP/HTTP receiver on loopback that answers 200 and
// drops what it gets, for benchmarking the service with tracing on (see README.md).
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 4318);
let requests = 0;
let bytes = 0;
createServer((req, res) => {
  req.on('data', (chunk) => (bytes += chunk.length));
  req.on('end', () => {
    requests++;
    res.writeHead(200, { 'Content-Type': req.headers['content-type'] ?? 'application/json' });
    res.end();
  });
}).listen(port, '127.0.0.1', () => process.stdout.write(`OTLP sink on 127.0.0.1:${port}\n`));
process.on('SIGTERM', () => {
  process.stdout.write(`OTLP sink: ${requests} exports, ${(bytes / 1e6).toFixed(1)} MB\n`);
  process.exit(0);
});
