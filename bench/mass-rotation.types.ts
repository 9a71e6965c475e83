// What mass-rotation.bench asks of one app child (a scenario) and what the child answers. Sizes, counts and
// timings only: no value ever crosses this boundary.

export type ScenarioKind =
  /** Boot, rotated and unchanged refreshes with block detection, convergence, floors, get(), RSS. */
  | 'rotation'
  /** fileCache on: does an unchanged refresh rewrite the cache file? */
  | 'cache'
  /** A rotated then an unchanged refresh, their time windows reported for the CPU profile (`--cpu-prof`) of the child. */
  | 'profile';

export interface Scenario {
  kind: ScenarioKind;
  size: number;
  /** 'override' is the default: the option is then not passed at all. */
  processEnv: 'override' | 'skip';
  /** A `.env` in the app's working directory holding the same keys (wiring: envFilePath ['.env.local', '.env']). */
  dotenv: boolean;
  /** Measured rotated refreshes, after one cold one. */
  rotated: number;
  unchanged: number;
  /** Rotated refreshes watched by convergence probes (kept out of the CPU and block figures). */
  converge: number;
  /** Runs of the JSON.parse + process.env floor (override only); JSON.parse alone runs more often. */
  floorRuns: number;
  /** Time InfisicalConfigService.get / ConfigService.get / Map.get. */
  getCalls: boolean;
  /** Rotated refreshes between the two RSS readings (0: none). */
  rssRotations: number;
  /** A cold rotated refresh slower than this is the only rotated one measured (the code under test is slow). */
  slowMs: number;
  /** Empty directory for the app's working directory (its .env, the file cache); the bench removes it. */
  workDir: string;
  /** Absolute path of refresh-server.child.js (the local Infisical server, a child of the app child). */
  serverScript: string;
}

export interface RefreshSample {
  status: string;
  wallMs: number;
  /** CPU of the app process (all its threads) from refresh() to its promise settling. */
  cpuMs: number;
  /** Longest gap between 1 ms ticks, and of it the main thread's time on a CPU and waiting for one. */
  maxGapMs: number;
  maxGapCpuMs: number;
  maxGapWaitMs: number;
  /** Longest main-thread CPU time within one gap: the longest block of the loop's own work. */
  maxCpuGapMs: number;
  /** Longest gap less the time the main thread waited for a CPU (what an idle machine would show). */
  maxOwnGapMs: number;
  eldP99Ms: number;
  eldMaxMs: number;
}

/** When the new values showed, in ms from refresh() (probes run between turns of the event loop). */
export interface ConvergeSample {
  refreshMs: number;
  /** All probed keys new in ConfigService. */
  configAllNewMs?: number;
  /** Ticks that saw some probed keys new in ConfigService and others not (0: one step). */
  configMixedTicks: number;
  /** First key (in write order) new in process.env. */
  envFirstNewMs?: number;
  /** Last key new in process.env: every key written. */
  envAllNewMs?: number;
  /** Ticks from the first key's write to the last's (turns of the loop while process.env converged). */
  envTicks: number;
}

export interface ScenarioResult {
  boot?: { wallMs: number; cpuMs: number; keys: number };
  cold?: RefreshSample;
  rotated: RefreshSample[];
  unchanged: RefreshSample[];
  /** p99 of the 1 ms tick gaps over every window of the kind. */
  rotatedGapP99Ms?: number;
  unchangedGapP99Ms?: number;
  converge: ConvergeSample[];
  /** Keys whose value in ConfigService (all) or process.env (a sample) did not match after the last rotation. */
  mismatches?: { config: number; env: number; envChecked: number };
  floor?: { payloadBytes: number; parseCpuMs: number[]; parseEnvCpuMs: number[] };
  get?: { serviceNs: number; mapNs: number; configNs: number };
  /** RSS and heap used after a full gc, before and after the rotations; trendMb: RSS every 25 rotations. */
  rss?: { rotations: number; rssBeforeMb: number; rssAfterMb: number; heapBeforeMb: number; heapAfterMb: number; trendMb: number[] };
  cache?: { unchangedRefreshes: number; unchangedRewrites: number; rotatedRefreshes: number; rotatedRewrites: number };
  /** process.hrtime of each profiled refresh (rotated, unchanged), in µs (the V8 profiler's clock on Linux). */
  profileWindowsUs?: Record<string, [number, number]>;
  problems: string[];
  /** Set by the bench when it stopped the child: the step that was running, and for how long. */
  stopped?: { step: string; afterMs: number };
}

export type ChildEvent = { type: 'step'; step: string; at: number } | { type: 'partial'; result: ScenarioResult };
