// The markdown table of fleet.bench, and the expected wait of scheduled polling computed from the
// module's defaults (what a webhook is compared with).
import type { ApplyResult, CallsResult, LogCounts, LoopWindow, PushResult } from './fleet.types.js';
import { fmt, percentile } from './stats.util.js';

// ------------------------------------------------------------ scheduled polling, from the defaults

export interface PollingWait {
  ttlMs: number;
  refreshAt: number;
  jitter: number;
  replicas: number;
  /** Shortest and longest scheduled interval: ttl * refreshAt * (1 -+ jitter). */
  a: number;
  b: number;
  one: { mean: number; p50: number; p99: number };
  last: { mean: number; p50: number; p99: number };
}

/**
 * A replica refreshes every D ms, D uniform on [a, b] (a, b = ttl * refreshAt * (1 -+ jitter)), each replica
 * at its own phase. A change made at a random instant waits the residual time W of the renewal process until
 * a given replica's next refresh: P(W <= w) = G(w) = (1/E[D]) * integral_0^w P(D > u) du, so
 * E[W] = E[D^2] / (2 E[D]) = (a^2 + ab + b^2) / (3 (a + b)). The last of n independent replicas waits
 * M = max(W_1..W_n): P(M <= w) = G(w)^n, E[M] = integral_0^b (1 - G(w)^n) dw. (Failures and their retries
 * are left out: every refresh succeeds.)
 */
export function pollingWait(ttlMs: number, refreshAt: number, jitter: number, replicas: number): PollingWait {
  const a = ttlMs * refreshAt * (1 - jitter);
  const b = ttlMs * refreshAt * (1 + jitter);
  const meanD = (a + b) / 2;
  const G = (w: number) => {
    if (w <= 0) return 0;
    if (w >= b) return 1;
    if (w <= a) return w / meanD;
    return (a + ((b - a) ** 2 - (b - w) ** 2) / (2 * (b - a))) / meanD;
  };
  const quantile = (p: number, n: number) => {
    let low = 0;
    let high = b;
    for (let i = 0; i < 100; i++) {
      const middle = (low + high) / 2;
      if (G(middle) ** n < p) low = middle;
      else high = middle;
    }
    return (low + high) / 2;
  };
  const expectedMax = (n: number) => {
    const steps = 100_000; // midpoint rule; the integrand is smooth enough
    let sum = 0;
    for (let i = 0; i < steps; i++) sum += 1 - G(((i + 0.5) * b) / steps) ** n;
    return (sum * b) / steps;
  };
  return {
    ttlMs,
    refreshAt,
    jitter,
    replicas,
    a,
    b,
    one: { mean: (a * a + a * b + b * b) / (3 * (a + b)), p50: quantile(0.5, 1), p99: quantile(0.99, 1) },
    last: { mean: expectedMax(replicas), p50: quantile(0.5, replicas), p99: quantile(0.99, replicas) },
  };
}

// ------------------------------------------------------------ the table

export interface Measured {
  calls: CallsResult[];
  push?: PushResult;
  apply?: ApplyResult & { cold: LoopWindow };
  polling: PollingWait;
}

type Row = [measure: string, value: string, compared: string, ratio: string, goal: string];

const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
const ms = (value: number) => (value >= 100 ? `${fmt(value, 0)} ms` : `${fmt(value, 1)} ms`);
const duration = (value: number) => (value >= 60_000 ? `${fmt(value / 60_000, 2)} min` : value >= 1_000 ? `${fmt(value / 1_000, 1)} s` : ms(value));
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
const median = (samples: number[]) => percentile(samples, 50);
const max = (samples: number[]) => samples.reduce((m, v) => Math.max(m, v), -Infinity);
const perInterval = (r: CallsResult) => r.lists / (r.windowMs / r.intervalMs);
const spreadText = (r: CallsResult) => (r.processes === 1 ? `${r.appsPerProcess[0]} app in 1 process` : `${r.processes} processes of ${r.appsPerProcess.join('/')} apps`);

function callsRows(calls: CallsResult[]): Row[] {
  const soloOne = calls.find((r) => r.mode === 'solo' && r.replicas === 1);
  const sizes = [...new Set(calls.map((r) => r.replicas))].sort((x, y) => x - y);
  return sizes.flatMap((n) => {
    const fleet = calls.find((r) => r.mode === 'fleet' && r.replicas === n);
    const solo = calls.find((r) => r.mode === 'solo' && r.replicas === n);
    const any = (fleet ?? solo)!;
    const describe = (r: CallsResult | undefined) => (r ? `${fmt(perInterval(r), 2)} per interval (${r.lists} calls in ${fmt(r.windowMs / 1000, 1)} s)` : 'n/a');
    // One replica's calls, within one call of phase (the windows differ by a few ms: scaled to this one's).
    const oneReplica = fleet && soloOne ? (soloOne.lists * fleet.windowMs) / soloOne.windowMs : undefined;
    const goal = fleet && oneReplica !== undefined ? `= one replica's (solo 1: ${fmt(perInterval(soloOne!), 2)}), ±1 call: ${met(Math.abs(fleet.lists - oneReplica) <= 1.5)}` : '';
    return [
      [
        `Infisical list calls per refresh interval, ${n} replica${n > 1 ? 's' : ''}, fleet vs solo (TTL ${any.ttlMs / 1000} s: interval ${fmt(any.intervalMs / 1000, 1)} s on average; ${spreadText(any)})`,
        `fleet: ${describe(fleet)}`,
        `solo: ${describe(solo)}`,
        fleet && solo ? `${fmt(solo.lists / Math.max(1, fleet.lists), 2)}x` : 'n/a',
        goal,
      ],
    ];
  });
}

function pushRows(push: PushResult, polling: PollingWait): Row[] {
  const n = push.replicas;
  const all = push.allMs;
  const pollSolo = polling.last;
  const pollFleet = polling.one; // a fleet without webhooks: everyone waits for the leader's next refresh
  return [
    [
      `webhook at one of ${n} replicas (each its own process) → all ${n} serve the new value, p50 over ${all.length} rotations`,
      ms(median(all)),
      `scheduled polling at defaults, last of ${n} solo replicas: p50 ${duration(pollSolo.p50)} (fleet, the leader's next refresh: ${duration(pollFleet.p50)})`,
      `${fmt(pollSolo.p50 / median(all), 0)}x`,
      '',
    ],
    [
      `same, p99 (nearest rank${all.length <= 100 ? `: with ${all.length} samples, the largest` : `; max ${ms(max(all))}`})`,
      ms(percentile(all, 99)),
      `polling, last of ${n}: p99 ${duration(pollSolo.p99)} (fleet: ${duration(pollFleet.p99)})`,
      `${fmt(pollSolo.p99 / percentile(all, 99), 0)}x`,
      `p99 < 1 s: ${met(percentile(all, 99) < 1_000 && push.timeouts === 0)}`,
    ],
    [
      'same, mean',
      ms(all.reduce((s, v) => s + v, 0) / Math.max(1, all.length)),
      `polling, expected wait: one replica ${duration(polling.one.mean)}, last of ${n} ${duration(pollSolo.mean)}`,
      `${fmt(pollSolo.mean / (all.reduce((s, v) => s + v, 0) / Math.max(1, all.length)), 0)}x`,
      '',
    ],
    [
      'webhook → the replica that received it serves the new value, p50 / p99',
      `${ms(median(push.targetMs))} / ${ms(percentile(push.targetMs, 99))}`,
      `the POST's own answer: p50 ${ms(median(push.postMs))}, p99 ${ms(percentile(push.postMs, 99))}`,
      '',
      '',
    ],
    [
      `Infisical list calls per webhook rotation (${push.rotations} rotations, ${push.toLeader} sent to the leader, ${push.rotations - push.toLeader} to a follower)`,
      fmt(push.lists / push.rotations, 2),
      `solo replicas each refreshing on the webhook: ${n}`,
      `${fmt(n / Math.max(1e-9, push.lists / push.rotations), 1)}x`,
      `1: ${met(push.lists === push.rotations)}`,
    ],
  ];
}

function loopText(windows: LoopWindow[]) {
  return `p99 ${ms(median(windows.map((w) => w.eldP99Ms)))} (max ${ms(max(windows.map((w) => w.eldMaxMs)))})`;
}

function applyRows(apply: ApplyResult & { cold: LoopWindow }): Row[] {
  const idle = apply.idle;
  const idleP99 = median(idle.map((w) => w.eldP99Ms));
  const size = apply.size.toLocaleString('en-US');
  const rows: Row[] = [];
  for (const kind of ['all', 'one'] as const) {
    const windows = apply.applied[kind];
    const what = kind === 'all' ? `all ${size} values rotated` : `1 of ${size} changed`;
    rows.push([
      `event-loop delay on a follower applying the leader's ${size}-secret snapshot, ${what} (announcement → applied, process.env included; ${windows.length} windows, median ${ms(median(windows.map((w) => w.ms)))})`,
      loopText(windows),
      `same follower idle: ${loopText(idle)}`,
      `${fmt(median(windows.map((w) => w.eldP99Ms)) / idleP99, 2)}x`,
      '',
    ]);
    const gapText = (list: LoopWindow[], p99: number) =>
      `longest ${ms(max(list.map((w) => w.maxGapMs)))} (own work ${ms(max(list.map((w) => w.maxOwnGapMs)))}); p99 ${ms(p99)}`;
    rows.push([
      `same, event-loop blocks by a 1 ms gap detector: longest gap over ${windows.length} windows, and of it the time not spent waiting for a CPU (own work); p99 of all gaps`,
      gapText(windows, apply.gapP99Ms[kind]),
      `idle: ${gapText(idle, apply.gapP99Ms.idle)}`,
      `${fmt(max(windows.map((w) => w.maxOwnGapMs)) / max(idle.map((w) => w.maxOwnGapMs)), 2)}x (own work)`,
      '',
    ]);
  }
  rows.push([
    `same, the first apply after the follower's boot (all rotated; cold code): ELD p99 / max, longest gap`,
    `${ms(apply.cold.eldP99Ms)} / ${ms(apply.cold.eldMaxMs)}, ${ms(apply.cold.maxGapMs)} (own work ${ms(apply.cold.maxOwnGapMs)}; window ${ms(apply.cold.ms)})`,
    `idle: ${loopText(idle)}`,
    `${fmt(apply.cold.eldP99Ms / idleP99, 2)}x`,
    '',
  ]);
  return rows;
}

export function reportTable(measured: Measured): string {
  const rows: Row[] = [...callsRows(measured.calls), ...(measured.push ? pushRows(measured.push, measured.polling) : []), ...(measured.apply ? applyRows(measured.apply) : [])];
  return [
    '| measure | value | compared with | ratio | goal |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

function logNotes(label: string, logs: LogCounts): string[] {
  const entries = Object.entries(logs).sort((x, y) => y[1] - x[1]);
  if (entries.length === 0) return [];
  return [`${label}: the apps logged ${entries.map(([message, count]) => `${count}x "${message}"`).join('; ')}`];
}

export function reportNotes(measured: Measured): string[] {
  const notes: string[] = [];
  const { polling } = measured;
  notes.push(
    `Polling reference (computed, not measured): defaults TTL ${polling.ttlMs / 1000} s, refresh at ${polling.refreshAt} ±${polling.jitter * 100}%, so a replica refreshes every D ~ U[${polling.a / 1000} s, ${polling.b / 1000} s]. ` +
      `A change at a random instant waits the residual W until a given replica's next refresh: P(W ≤ w) = (1/E[D])·∫₀^w P(D>u) du, E[W] = E[D²]/(2E[D]) = (a²+ab+b²)/(3(a+b)) = ${duration(polling.one.mean)} (p50 ${duration(polling.one.p50)}, p99 ${duration(polling.one.p99)}). ` +
      `The last of ${polling.replicas} independent replicas: P(M ≤ w) = G(w)^${polling.replicas}, E[M] = ∫₀^b (1 − G(w)^${polling.replicas}) dw = ${duration(polling.last.mean)} (p50 ${duration(polling.last.p50)}, p99 ${duration(polling.last.p99)}). ` +
      `A fleet without webhooks waits for its leader's next refresh only: E[W].`,
  );
  for (const r of measured.calls) {
    notes.push(
      `calls, ${r.mode} ${r.replicas}: ${spreadText(r)} (apps in one process share its event loop and process.env; each has its own module, timers and Redis connections); ${r.lists} list calls, ${r.requests} requests in all in ${fmt(r.windowMs / 1000, 1)} s; ` +
        `${r.mode === 'fleet' ? `${r.redisSnapshotReads} fleet snapshot reads from Redis (HGETALL); leader changes ${r.leaderChanges}; ` : ''}roles at the end ${JSON.stringify(r.rolesAtEnd)}`,
    );
    notes.push(...logNotes(`calls, ${r.mode} ${r.replicas}`, r.logs));
  }
  if (measured.push) {
    const p = measured.push;
    notes.push(
      `push: ${p.replicas} replicas, one Nest app per process, fleet over one Redis, default TTL (5 min) and lease (10 s), InfisicalWebhookModule (default minIntervalMs 1000); ` +
        `the webhook went round-robin to replica r mod ${p.replicas}, right after the value changed on the local server; each replica polled its own InfisicalConfigService.get() every 1 ms and told the bench over IPC, timed on the bench's clock (so IPC is included); ` +
        `answers ${JSON.stringify(p.statuses)}; ${p.timeouts} rotations did not reach every replica within 10 s; samples (ms): ${p.allMs.map((v) => fmt(v, 0)).join(' ')}`,
    );
    notes.push(...logNotes('push', p.logs));
  }
  if (measured.apply) {
    const a = measured.apply;
    notes.push(
      `apply: leader and follower each in its own process, default options but fleet; the local server in a third. The window opens when the follower's process receives the fleet's announcement (its own Redis subscription) and closes once the follower's changes$ has emitted and its refresh has ended, plus 15 ms. ` +
        `Sealed snapshot in Redis: ${(a.sealedBytes / 1024 / 1024).toFixed(2)} MB. Infisical list calls during this part: ${a.lists} (the leader's only). ELD = perf_hooks.monitorEventLoopDelay({ resolution: 1 }), one histogram per window; p99 is the median over windows, max the largest.`,
    );
    notes.push(...logNotes('apply', a.logs));
  }
  return notes;
}
