// What request-control.bench and its children exchange and measure: names, counts and times, never values.

/** How the app child boots: this checkout's options that both versions of the module accept. */
export interface AppBoot {
  url: string;
  projectId: string;
  environment: string;
  clientId: string;
  clientSecret: string;
  /** Refresh options (`enabled`, `ttlMs`) both versions accept; the module's defaults when absent. */
  refresh?: { enabled?: boolean; ttlMs?: number };
}

/** One refresh() in the app child. */
export interface RefreshMeasure {
  status: string;
  /** The outcome's reason (failed or refused): the module's sanitized text, no values. */
  reason?: string;
  wallMs: number;
  /** process.cpuUsage() of the app child around the refresh (user + system). */
  cpuMs: number;
  /** Bytes received on the child's outgoing TCP connections during the refresh (headers and bodies). */
  bytesIn: number;
}

/** The local server's counters (since it started). */
export interface ServerCounts {
  requests: number;
  lists: number;
  lists200: number;
  lists304: number;
  openConnections: number;
}

/** The build under test: this checkout's, or the one of the commit before the change. */
export interface Variant {
  name: 'after' | 'before';
  /** What it is, for the report: `this checkout` or `48cf495 (@infisical/sdk)`. */
  label: string;
  /** The checkout's root (package.json, dist/, node_modules/). */
  root: string;
  /** The app child, next to that checkout's dist so it imports that build. */
  appChild: string;
}

/** Item 1: a steady 429 on the list, with refreshes due. */
export interface RateLimitResult {
  retryAfterS: number;
  windowS: number;
  lists: number;
  requests: number;
}

/** Item 2: a refresh against a black hole, then 10 s more. */
export interface BlackholeResult {
  refresh: RefreshMeasure;
  atFailure: { openConnections: number; requests: number };
  later: { openConnections: number; requests: number };
  laterS: number;
}

/** Item 3: a refresh after the server went away (connections refused). */
export interface RefusedResult {
  refresh: RefreshMeasure;
}

/** Item 5: unchanged refreshes of a large environment. */
export interface UnchangedResult {
  size: number;
  runs: number;
  warmups: number;
  etags: boolean;
  cpuMs: number;
  wallMs: number;
  bytesIn: number;
  statuses: string[];
  lists200: number;
  lists304: number;
}
