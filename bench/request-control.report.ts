// The markdown table of request-control.bench: this code ("now") against what it is compared with (the
// commit before the change, or for the ETag rows the same code without ETags), with ratio = compared / now.
import type { Installed } from './request-control.footprint.js';
import type { BlackholeResult, RateLimitResult, RefusedResult, UnchangedResult } from './request-control.types.js';
import { fmt } from './stats.util.js';

/** A pair of results: this code, and the comparison (absent when the before build was not measured). */
export interface Pair<T> {
  now: T;
  compared?: T;
}

export interface Measured {
  /** What "before" is, e.g. `48cf495, list through @infisical/sdk`. */
  beforeLabel: string;
  rateLimited?: Pair<RateLimitResult>;
  blackholed?: Pair<BlackholeResult>;
  refused?: Pair<RefusedResult>;
  footprint?: {
    runs: number;
    nodeAloneMs: number;
    importMs: Pair<number>;
    sdkImportMs?: number;
    installed: Pair<Installed>;
  };
  unchanged?: {
    /** now: the server sends ETags (a 304); compared: it sends none (the full list). */
    etags: Pair<UnchangedResult>;
    /** The before build on the same server (its SDK sends no If-None-Match). */
    before?: UnchangedResult;
  };
}

type Row = [measure: string, now: string, compared: string, ratio: string, goal: string];

const NA = 'n/a';
const ratio = (compared: number | undefined, now: number, digits = 2) => (compared === undefined ? NA : now === 0 ? (compared === 0 ? '1.00x' : '∞') : `${fmt(compared / now, digits)}x`);
const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
const ms = (value: number) => (value >= 100 ? `${fmt(value, 0)} ms` : `${fmt(value, 1)} ms`);
const kb = (value: number) => (value >= 10_240 ? `${fmt(value / 1024, 1)} MB` : `${fmt(value, 0)} KB`);
const bytes = (value: number) => (value >= 1024 ? kb(value / 1024) : `${fmt(value, 0)} B`);
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
/** The module's reason, cut short: it names the failure, never a value. */
const reason = (text: string | undefined, max = 110) => (text === undefined ? 'none' : text.length > max ? `${text.slice(0, max - 1)}…` : text);

function rateRows({ now, compared }: Pair<RateLimitResult>): Row[] {
  const windows = now.windowS / now.retryAfterS;
  const describe = (r: RateLimitResult) => `${r.lists} list calls (${fmt(r.lists / windows, 1)} per retry-after window, ${fmt((r.lists * 60) / r.windowS, 0)}/min); ${r.requests} requests in all`;
  return [
    [
      `steady 429 with retry-after ${now.retryAfterS} s on the list, refreshes due (TTL 2 s): list calls per replica and scope in ${now.windowS} s`,
      describe(now),
      compared ? describe(compared) : NA,
      ratio(compared?.lists, now.lists),
      `≤ 1 per retry-after window: ${met(now.lists <= Math.ceil(windows))}`,
    ],
  ];
}

function blackholeRows({ now, compared }: Pair<BlackholeResult>): Row[] {
  const failed = (r: BlackholeResult) => `refresh ${r.refresh.status} after ${ms(r.refresh.wallMs)}`;
  const open = (r: BlackholeResult) => `${r.later.openConnections} open (${r.atFailure.openConnections} when it failed; ${failed(r)})`;
  return [
    [`black-holed refresh() (deadline 10 s, scheduled refreshes off): connections still open ${now.laterS} s after it failed`, open(now), compared ? open(compared) : NA, compared ? `${compared.later.openConnections} vs ${now.later.openConnections}` : NA, `0: ${met(now.later.openConnections === 0)}`],
    [
      `black-holed refresh: requests the server saw, from the fault to ${now.laterS} s after the failure`,
      `${now.later.requests} (${now.atFailure.requests} by the failure)`,
      compared ? `${compared.later.requests} (${compared.atFailure.requests} by the failure)` : NA,
      ratio(compared?.later.requests, now.later.requests),
      '',
    ],
  ];
}

function refusedRows({ now, compared }: Pair<RefusedResult>): Row[] {
  const refused = (r: RefusedResult) => /ECONNREFUSED/.test(r.refresh.reason ?? '');
  const time = (r: RefusedResult) => `${ms(r.refresh.wallMs)}, ${r.refresh.status}, ${refused(r) ? 'names' : 'does not name'} ECONNREFUSED`;
  return [
    [
      'refused connections (server closed after a healthy boot): refresh() until it resolves',
      time(now),
      compared ? time(compared) : NA,
      ratio(compared?.refresh.wallMs, now.refresh.wallMs, 0),
      `< 1 s naming ECONNREFUSED: ${met(now.refresh.wallMs < 1_000 && refused(now))}`,
    ],
    ['refused connections: the reason refresh() gives', reason(now.refresh.reason), compared ? reason(compared.refresh.reason) : NA, '', ''],
  ];
}

function footprintRows(footprint: NonNullable<Measured['footprint']>): Row[] {
  const { importMs, installed, nodeAloneMs, runs } = footprint;
  const net = (value: number) => `${ms(value)} (${ms(value - nodeAloneMs)} over node alone)`;
  const size = (i: Installed) => `${kb(i.installedKb)}, ${i.packages} packages (the package ${kb(i.ownKb)}, its dependencies ${kb(i.installedKb - i.ownKb)})`;
  const deps = (i: Installed) => i.dependencies.join(', ') || 'none';
  const rows: Row[] = [
    [
      `cold import of the library entry, fresh node (median of ${runs}; node alone ${ms(nodeAloneMs)})`,
      net(importMs.now),
      importMs.compared === undefined ? NA : net(importMs.compared),
      importMs.compared === undefined ? NA : ratio(importMs.compared - nodeAloneMs, importMs.now - nodeAloneMs),
      '',
    ],
  ];
  if (footprint.sdkImportMs !== undefined) rows.push(['cold import of @infisical/sdk 5.0.2 alone (same way)', 'not imported', net(footprint.sdkImportMs), '', '']);
  rows.push(
    ['installed runtime closure: npm pack, npm install the tarball --omit=peer --omit=optional, du -sk node_modules', size(installed.now), installed.compared ? size(installed.compared) : NA, ratio(installed.compared?.installedKb, installed.now.installedKb), ''],
    ['runtime dependencies (package.json)', deps(installed.now), installed.compared ? deps(installed.compared) : NA, '', ''],
    ['tarball (npm pack)', kb(installed.now.packedKb), installed.compared ? kb(installed.compared.packedKb) : NA, ratio(installed.compared?.packedKb, installed.now.packedKb), ''],
  );
  return rows;
}

function unchangedRows({ etags, before }: NonNullable<Measured['unchanged']>): Row[] {
  const { now, compared } = etags;
  const title = `unchanged refresh of ${now.size.toLocaleString('en-US')} (ETag rows)`;
  const replies = (r: UnchangedResult) => `${r.lists304} / ${r.lists200}; ${r.statuses.join(', ')}`;
  const rows: Row[] = [
    [`${title}: bytes received per refresh, headers and body`, bytes(now.bytesIn), compared ? bytes(compared.bytesIn) : NA, ratio(compared?.bytesIn, now.bytesIn, 0), ''],
    [`${title}: CPU of the app's process per refresh`, ms(now.cpuMs), compared ? ms(compared.cpuMs) : NA, ratio(compared?.cpuMs, now.cpuMs, 1), ''],
    [`${title}: wall time per refresh`, ms(now.wallMs), compared ? ms(compared.wallMs) : NA, ratio(compared?.wallMs, now.wallMs, 1), ''],
    [`${title}: list replies 304 / 200 (server's count); outcomes`, replies(now), compared ? replies(compared) : NA, '', ''],
  ];
  if (before) {
    const all = (r: UnchangedResult) => `CPU ${ms(r.cpuMs)}, wall ${ms(r.wallMs)}, ${bytes(r.bytesIn)}`;
    rows.push([`unchanged refresh of ${now.size.toLocaleString('en-US')}: this code with a 304 vs the before build (its SDK sends no If-None-Match)`, all(now), all(before), `${ratio(before.cpuMs, now.cpuMs, 1)} CPU`, '']);
  }
  return rows;
}

/** What the table's rows cannot say in a cell. */
export function reportNotes(measured: Measured): string[] {
  const notes: string[] = ['ratio = compared / now.'];
  const rate = measured.rateLimited?.now;
  if (rate) {
    const windows = rate.windowS / rate.retryAfterS;
    notes.push(
      `429 row, scaled: retry-after ${rate.retryAfterS} s over ${rate.windowS} s (${windows} retry-after windows) stands for Infisical's retry-after 60 s over ${windows} min; ` +
        'the window starts with the 429; one replica, one scope. This code waits what retry-after asks, so its count scales with it. ' +
        "The before build never sees retry-after: each refresh's SDK call makes up to 5 attempts (about 1, 2, 4, 8 s apart) and outlives the 10 s refresh deadline, " +
        'and failed refreshes come back on the old backoff (2 s doubling to 60 s), so its rate depends on how long the 429 has lasted, not on retry-after ' +
        '(--retry-after 60 --window 180 runs the unscaled case).',
    );
  }
  if (measured.blackholed) notes.push('black-hole rows: with scheduled refreshes on, this code retries the failed refresh on its backoff (1-2 s later), one request at a time, each aborted at its own deadline.');
  const unchanged = measured.unchanged?.etags.now;
  if (unchanged) {
    notes.push(
      `ETag rows: now = the server sends ETags (an unchanged list answers 304), compared = the same code against a server without ETags (the full list); medians of ${unchanged.runs} after ${unchanged.warmups} warm-ups. ` +
        "Wall time includes the local server building and hashing the list for its ETag in its own process; CPU is the app's process only.",
    );
  }
  return notes;
}

export function reportTable(measured: Measured): string {
  const rows: Row[] = [
    ...(measured.rateLimited ? rateRows(measured.rateLimited) : []),
    ...(measured.blackholed ? blackholeRows(measured.blackholed) : []),
    ...(measured.refused ? refusedRows(measured.refused) : []),
    ...(measured.footprint ? footprintRows(measured.footprint) : []),
    ...(measured.unchanged ? unchangedRows(measured.unchanged) : []),
  ];
  const header = `| measure | now (this code) | compared with (${cell(measured.beforeLabel)}; ETag rows: no ETag) | ratio | goal |\n| --- | --- | --- | --- | --- |`;
  return [header, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n');
}
