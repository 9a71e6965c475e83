// The runtime scenarios of request-control.bench, each against a fresh local server child and a fresh app
// child of one build: a steady 429, a black hole, refused connections, unchanged refreshes of a large
// environment. Every count comes from the server, every time and CPU figure from the app's own process.
import { setTimeout as sleep } from 'node:timers/promises';
import { CLIENT_ID, CLIENT_SECRET, ENVIRONMENT, PROJECT } from './refresh-shared.js';
import { benchFile } from './request-control.checkout.js';
import { IpcChild } from './ipc-child.js';
import type { AppBoot, BlackholeResult, RateLimitResult, RefreshMeasure, RefusedResult, ServerCounts, UnchangedResult, Variant } from './request-control.types.js';
import { median } from './stats.util.js';

/** Secrets in the small environment of the failure scenarios. */
const SMALL = 5;
/** A refresh never takes longer than its 10 s deadline; this only catches a hung child. */
const REFRESH_CALL_TIMEOUT_MS = 60_000;

class Server {
  private constructor(
    private readonly child: IpcChild,
    readonly url: string,
  ) {}

  static async start(size: number, etags = true): Promise<Server> {
    const { child, ready } = await IpcChild.start(benchFile('./request-control.server.child.js'), { args: [String(size), etags ? 'etags' : 'no-etags'] });
    return new Server(child, String(ready.url));
  }

  /** Adds the fault; the counters at that moment, to count from. */
  async fault(route: string, fault: Record<string, unknown>): Promise<ServerCounts> {
    return (await this.child.call({ type: 'fault', route, fault })).counts as ServerCounts;
  }

  async counts(): Promise<ServerCounts> {
    return (await this.child.call({ type: 'counts' })).counts as ServerCounts;
  }

  /** Stops listening and closes every connection: from now on, connections are refused. */
  async stop(): Promise<void> {
    await this.child.call({ type: 'stop' });
  }

  close(): Promise<void> {
    return this.child.close();
  }
}

class App {
  private constructor(private readonly child: IpcChild) {}

  /** Boots the variant's module against `url` (the child runs in `cwd`, an empty directory). */
  static async start(variant: Variant, cwd: string, url: string, refresh?: AppBoot['refresh']): Promise<App> {
    const { child } = await IpcChild.start(variant.appChild, { cwd });
    const boot: AppBoot = { url, projectId: PROJECT, environment: ENVIRONMENT, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refresh };
    try {
      await child.call({ type: 'boot', boot }, 120_000);
    } catch (error) {
      await child.close();
      throw error;
    }
    return new App(child);
  }

  async refresh(): Promise<RefreshMeasure> {
    return (await this.child.call({ type: 'refresh' }, REFRESH_CALL_TIMEOUT_MS)).measure as RefreshMeasure;
  }

  close(): Promise<void> {
    return this.child.close();
  }
}

/** Runs `scenario` with a server of `size` secrets and an app booted against it; closes both whatever happens. */
async function withApp<T>(
  variant: Variant,
  cwd: string,
  setup: { size: number; etags?: boolean; refresh?: AppBoot['refresh'] },
  scenario: (app: App, server: Server) => Promise<T>,
): Promise<T> {
  const local = await Server.start(setup.size, setup.etags);
  try {
    const app = await App.start(variant, cwd, local.url, setup.refresh);
    try {
      return await scenario(app, local);
    } finally {
      await app.close();
    }
  } finally {
    await local.close();
  }
}

export class Scenarios {
  /** @param cwd an empty directory for the app children (no .env files) */
  constructor(private readonly cwd: string) {}

  /**
   * Item 1: every list answers 429 with `retry-after`, and refreshes are due all along (TTL 2 s, so one is
   * scheduled every 1.6 s): list calls the server sees in `windowS` from the moment the 429 starts.
   */
  rateLimited(variant: Variant, retryAfterS: number, windowS: number): Promise<RateLimitResult> {
    return withApp(variant, this.cwd, { size: SMALL, refresh: { ttlMs: 2_000 } }, async (_app, server) => {
      const start = await server.fault('listSecrets', { kind: 'status', status: 429, retryAfterSeconds: retryAfterS });
      await sleep(windowS * 1000);
      const end = await server.counts();
      return { retryAfterS, windowS, lists: end.lists - start.lists, requests: end.requests - start.requests };
    });
  }

  /**
   * Item 2: every request is read and never answered; refresh() fails at its deadline (default 10 s).
   * Connections still open and requests seen, when it failed and `laterS` after. Scheduled refreshes are
   * off, so whatever the server sees comes from that one refresh (this code would otherwise retry it on
   * its backoff, one request at a time, each aborted at its own deadline).
   */
  blackholed(variant: Variant, laterS: number): Promise<BlackholeResult> {
    return withApp(variant, this.cwd, { size: SMALL, refresh: { enabled: false } }, async (app, server) => {
      const start = await server.fault('*', { kind: 'blackhole' });
      const since = (counts: ServerCounts) => ({ openConnections: counts.openConnections, requests: counts.requests - start.requests });
      const refresh = await app.refresh();
      const atFailure = since(await server.counts());
      await sleep(laterS * 1000);
      return { refresh, atFailure, later: since(await server.counts()), laterS };
    });
  }

  /** Item 3: booted healthy, then the server goes away: how long refresh() takes to say so, and what it says. */
  refused(variant: Variant): Promise<RefusedResult> {
    return withApp(variant, this.cwd, { size: SMALL }, async (app, server) => {
      await server.stop();
      return { refresh: await app.refresh() };
    });
  }

  /** Item 5: `runs` refreshes of `size` unchanged secrets after `warmups`; medians of this app's CPU, wall time and bytes. */
  unchanged(variant: Variant, size: number, etags: boolean, runs: number, warmups = 2): Promise<UnchangedResult> {
    return withApp(variant, this.cwd, { size, etags }, async (app, server) => {
      for (let i = 0; i < warmups; i++) await app.refresh();
      const before = await server.counts();
      const measures: RefreshMeasure[] = [];
      for (let i = 0; i < runs; i++) measures.push(await app.refresh());
      const after = await server.counts();
      return {
        size,
        runs,
        warmups,
        etags,
        cpuMs: median(measures.map((m) => m.cpuMs)),
        wallMs: median(measures.map((m) => m.wallMs)),
        bytesIn: median(measures.map((m) => m.bytesIn)),
        statuses: [...new Set(measures.map((m) => m.status))],
        lists200: after.lists200 - before.lists200,
        lists304: after.lists304 - before.lists304,
      };
    });
  }
}
