/** Label values of one series. */
export type Labels = Record<string, string>;

const LATENCY_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60] as const;

/** Prometheus metrics of one server or worker process, rendered in the text exposition format. */
export interface ServerMetrics {
  /** Counts one HTTP request. */
  httpRequest(method: string, route: string, status: number): void;
  /** Records one finished grading: its latency from submission and verdict. */
  graded(seconds: number, verdict: string): void;
  /** Counts one sandbox / infrastructure failure during grading. */
  sandboxError(code: string): void;
  /** Renders every metric; `queueDepth` is read at scrape time. */
  render(gauges: { queueDepth?: number; workersBusy?: number }): string;
}

function key(labels: Labels): string {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}

/** Creates an in-memory metrics registry (hand-written exposition: four metric families do not need a library). */
export function createServerMetrics(): ServerMetrics {
  const http = new Map<string, number>();
  const verdicts = new Map<string, number>();
  const sandboxErrors = new Map<string, number>();
  const buckets = LATENCY_BUCKETS_SECONDS.map(() => 0);
  let latencyCount = 0;
  let latencySum = 0;

  const inc = (map: Map<string, number>, labels: Labels) => {
    const k = key(labels);
    map.set(k, (map.get(k) ?? 0) + 1);
  };
  const series = (name: string, map: Map<string, number>) => [...map].map(([labels, v]) => `${name}{${labels}} ${v}`);

  return {
    httpRequest(method, route, status) {
      inc(http, { method, route, status: String(status) });
    },
    graded(seconds, verdict) {
      inc(verdicts, { verdict });
      latencyCount += 1;
      latencySum += seconds;
      LATENCY_BUCKETS_SECONDS.forEach((le, i) => {
        if (seconds <= le) buckets[i] = (buckets[i] ?? 0) + 1;
      });
    },
    sandboxError(code) {
      inc(sandboxErrors, { code });
    },
    render(gauges) {
      const lines: string[] = [];
      if (gauges.queueDepth !== undefined) {
        lines.push('# HELP edgelab_queue_depth Submissions waiting to be graded.', '# TYPE edgelab_queue_depth gauge');
        lines.push(`edgelab_queue_depth ${gauges.queueDepth}`);
      }
      if (gauges.workersBusy !== undefined) {
        lines.push('# HELP edgelab_workers_busy Workers of this process grading right now.', '# TYPE edgelab_workers_busy gauge');
        lines.push(`edgelab_workers_busy ${gauges.workersBusy}`);
      }
      lines.push('# HELP edgelab_grading_seconds Time from submission to result, graded by this process.');
      lines.push('# TYPE edgelab_grading_seconds histogram');
      LATENCY_BUCKETS_SECONDS.forEach((le, i) => lines.push(`edgelab_grading_seconds_bucket{le="${le}"} ${buckets[i] ?? 0}`));
      lines.push(`edgelab_grading_seconds_bucket{le="+Inf"} ${latencyCount}`);
      lines.push(`edgelab_grading_seconds_sum ${latencySum}`, `edgelab_grading_seconds_count ${latencyCount}`);
      lines.push('# HELP edgelab_verdicts_total Graded submissions by overall verdict.', '# TYPE edgelab_verdicts_total counter');
      lines.push(...series('edgelab_verdicts_total', verdicts));
      lines.push('# HELP edgelab_sandbox_errors_total Infrastructure failures while grading.', '# TYPE edgelab_sandbox_errors_total counter');
      lines.push(...series('edgelab_sandbox_errors_total', sandboxErrors));
      lines.push('# HELP edgelab_http_requests_total HTTP requests by route and status.', '# TYPE edgelab_http_requests_total counter');
      lines.push(...series('edgelab_http_requests_total', http));
      return `${lines.join('\n')}\n`;
    },
  };
}
