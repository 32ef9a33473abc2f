import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process; `GET /metrics` serves `registry.metrics()`. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    turns: new Counter({ name: 'gpki_turns_total', help: 'Turns processed', labelNames: ['channel'] as const, registers: [registry] }),
    turnErrors: new Counter({ name: 'gpki_turn_errors_total', help: 'Turns that ended in an error', registers: [registry] }),
    turnDuration: new Histogram({
      name: 'gpki_turn_duration_seconds',
      help: 'Turn duration',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    jobs: new Counter({
      name: 'gpki_jobs_total',
      help: 'Jobs run',
      labelNames: ['queue', 'name', 'outcome'] as const,
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'gpki_job_duration_seconds',
      help: 'Job duration',
      labelNames: ['queue', 'name'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
