// Preloaded into the production build (NODE_OPTIONS=--import) by tests that measure how long
// requests block the service's event loop. On SIGUSR2 it prints the worst delay since the last
// report as one JSON log line and starts over.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const histogram = monitorEventLoopDelay({ resolution: 5 });
histogram.enable();
process.on('SIGUSR2', () => {
  const line = { event: 'event-loop-delay', maxMs: histogram.max / 1e6 };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  histogram.reset();
});
