// Markdown tables of mass-rotation.bench: figures of this checkout ("after") and, with --before, of the other
// one ("before"), all measured in the same run.
import type { ProfileSummary } from './cpu-profile.util.js';
import type { RefreshSample, Scenario, ScenarioResult } from './mass-rotation.types.js';
import { fmt, median } from './stats.util.js';

export type VariantName = 'after' | 'before';

export interface Measured {
  variant: VariantName;
  scenario: Scenario;
  result: ScenarioResult;
}

export interface Profiled {
  what: string;
  summary?: ProfileSummary;
  problem?: string;
}

export interface Report {
  measured: Measured[];
  profiled: Profiled[];
  timeoutMs: number;
  seconds: number;
  withBefore: boolean;
}

type Mode = Scenario['processEnv'];

const BLOCK_GOALS: Record<number, number> = { 1_000: 20, 10_000: 50 };
const RATIO_GOAL = 1.5;

const n = (count: number) => count.toLocaleString('en-US');
const ms = (value: number) => (value >= 10_000 ? `${fmt(value / 1000, 1)} s` : value >= 100 ? `${fmt(value, 0)} ms` : `${fmt(value, 1)} ms`);
const ratio = (value: number, base: number) => (Number.isFinite(value / base) ? `${fmt(value / base)}x` : 'n/a');
const table = (header: string[], rows: string[][]) =>
  [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');

class Results {
  constructor(private readonly measured: Measured[]) {}

  get(variant: VariantName, size: number, processEnv: Mode, dotenv: boolean, kind: Scenario['kind'] = 'rotation'): ScenarioResult | undefined {
    return this.measured.find(({ variant: v, scenario: s }) => v === variant && s.kind === kind && s.size === size && s.processEnv === processEnv && s.dotenv === dotenv)?.result;
  }

  sizes(): number[] {
    return [...new Set(this.measured.filter((m) => m.scenario.kind === 'rotation').map((m) => m.scenario.size))].sort((a, b) => a - b);
  }

  all(): Measured[] {
    return this.measured;
  }
}

/** The cold refresh and the warm ones: the worst case counts the first rotation after boot too. */
const rotatedSamples = (r: ScenarioResult): RefreshSample[] => [...(r.cold ? [r.cold] : []), ...r.rotated];
const warmOrCold = (r: ScenarioResult): RefreshSample[] => (r.rotated.length ? r.rotated : rotatedSamples(r));
const max = (values: number[]) => (values.length ? Math.max(...values) : NaN);
const medianOf = (values: number[]) => (values.length ? median(values) : NaN);

/** "> 118 s (stopped in ...)" when the child was stopped before the figure existed. */
function stoppedCell(r: ScenarioResult | undefined): string | undefined {
  if (!r) return 'not run';
  if (r.stopped) return `> ${fmt(r.stopped.afterMs / 1000, 0)} s (stopped: ${r.stopped.step})`;
  return undefined;
}

function longestBlock(r: ScenarioResult | undefined): { value: number; own: number; cell: string } {
  if (!r) return { value: NaN, own: NaN, cell: 'not run' };
  const samples = rotatedSamples(r);
  if (!samples.length || (r.stopped && !r.cold)) return { value: Infinity, own: Infinity, cell: stoppedCell(r) ?? 'n/a' };
  const wall = max(samples.map((s) => s.maxGapMs));
  const own = max(samples.map((s) => s.maxOwnGapMs));
  const ownCell = Number.isFinite(own) ? ` (${ms(own)} own)` : '';
  const p99 = r.rotatedGapP99Ms !== undefined && Number.isFinite(r.rotatedGapP99Ms) ? `; p99 ${ms(r.rotatedGapP99Ms)}` : '; 1 cold refresh';
  return { value: wall, own, cell: `${ms(wall)}${ownCell}${p99}` };
}

function blockTable(results: Results, withBefore: boolean): string {
  const header = ['secrets', '.env with the same keys', ...(withBefore ? ['default, before'] : []), 'default (override)', ...(withBefore ? ['skip, before'] : []), 'skip', 'goal (default)'];
  const rows: string[][] = [];
  for (const size of results.sizes()) {
    for (const dotenv of [false, true]) {
      const after = longestBlock(results.get('after', size, 'override', dotenv));
      const goal = BLOCK_GOALS[size];
      const met = (value: number) => (value <= goal ? 'met' : 'missed');
      const verdict = goal === undefined ? 'none set' : `≤ ${goal} ms: ${met(after.value)} (own: ${met(after.own)})`;
      rows.push([
        n(size),
        dotenv ? 'yes' : 'no',
        ...(withBefore ? [longestBlock(results.get('before', size, 'override', dotenv)).cell] : []),
        after.cell,
        ...(withBefore ? [longestBlock(results.get('before', size, 'skip', dotenv)).cell] : []),
        longestBlock(results.get('after', size, 'skip', dotenv)).cell,
        verdict,
      ]);
    }
  }
  return table(header, rows);
}

function blockCell(samples: RefreshSample[]): string {
  const worst = samples.reduce((a, b) => (b.maxGapMs > a.maxGapMs ? b : a));
  const eld = `${ms(max(samples.map((x) => x.eldMaxMs)))} / ${ms(max(samples.map((x) => x.eldP99Ms)))}`;
  return `${ms(worst.maxGapMs)} (${ms(worst.maxGapCpuMs)}, ${ms(worst.maxGapWaitMs)}) / ${ms(max(samples.map((x) => x.maxOwnGapMs)))} / ${eld}`;
}

function detailTable(results: Results): string {
  const header = ['code', 'secrets', '.env', 'processEnv', 'boot wall (CPU)', 'rotated: wall / CPU, median', 'rotated: longest tick gap (on CPU, waiting for a CPU) / longest own block / ELD max / worst ELD p99', 'unchanged: CPU median / longest gap'];
  const rows: string[][] = [];
  for (const { variant, scenario: s, result: r } of results.all()) {
    if (s.kind !== 'rotation') continue;
    const rotated = warmOrCold(r);
    const all = rotatedSamples(r);
    const stopped = stoppedCell(r);
    rows.push([
      variant,
      n(s.size),
      s.dotenv ? 'yes' : 'no',
      s.processEnv,
      r.boot ? `${ms(r.boot.wallMs)} (${ms(r.boot.cpuMs)})` : (stopped ?? 'n/a'),
      rotated.length ? `${ms(medianOf(rotated.map((x) => x.wallMs)))} / ${ms(medianOf(rotated.map((x) => x.cpuMs)))}${r.rotated.length ? '' : ' (cold)'}` : (stopped ?? 'n/a'),
      all.length ? blockCell(all) : (stopped ?? 'n/a'),
      r.unchanged.length ? `${ms(medianOf(r.unchanged.map((x) => x.cpuMs)))} / ${ms(max(r.unchanged.map((x) => x.maxGapMs)))}` : (stopped ?? 'n/a'),
    ]);
  }
  return table(header, rows);
}

/**
 * µs per secret at each size, and the marginal cost per added secret between two sizes (the fixed cost of
 * a refresh or a boot drops out): linear growth keeps the marginal columns equal, quadratic grows them
 * with the size.
 */
function perSecretTable(results: Results, withBefore: boolean): string {
  const sizes = results.sizes();
  const steps = sizes.slice(1).map((size, i) => [sizes[i], size] as const);
  const header = ['µs per secret (no .env)', ...sizes.map(n), ...steps.map(([from, to]) => `per added secret, ${n(from)} → ${n(to)}`)];
  const rows: string[][] = [];
  const line = (what: string, value: (r: ScenarioResult) => number, variant: VariantName, mode: Mode) => {
    const costs = sizes.map((size) => {
      const r = results.get(variant, size, mode, false);
      return r ? value(r) : NaN;
    });
    const cell = (us: number, size: number) => (Number.isFinite(us) ? fmt(us, 1) : (stoppedCell(results.get(variant, size, mode, false)) ?? 'n/a'));
    rows.push([
      `${what}${withBefore ? ` (${variant})` : ''}`,
      ...costs.map((cost, i) => cell((cost * 1000) / sizes[i], sizes[i])),
      ...steps.map(([from, to]) => {
        const marginal = ((costs[sizes.indexOf(to)] - costs[sizes.indexOf(from)]) * 1000) / (to - from);
        return Number.isFinite(marginal) ? fmt(marginal, 1) : 'n/a';
      }),
    ]);
  };
  for (const variant of withBefore ? (['after', 'before'] as const) : (['after'] as const)) {
    line('rotated refresh CPU, default', (r) => medianOf(warmOrCold(r).map((x) => x.cpuMs)), variant, 'override');
    line('rotated refresh CPU, skip', (r) => medianOf(warmOrCold(r).map((x) => x.cpuMs)), variant, 'skip');
    line('unchanged refresh CPU, default', (r) => medianOf(r.unchanged.map((x) => x.cpuMs)), variant, 'override');
    line('boot wall, default', (r) => r.boot?.wallMs ?? NaN, variant, 'override');
    line('boot CPU, default', (r) => r.boot?.cpuMs ?? NaN, variant, 'override');
    line('boot CPU, skip', (r) => r.boot?.cpuMs ?? NaN, variant, 'skip');
  }
  line('floor: JSON.parse + process.env writes', (r) => medianOf(r.floor?.parseEnvCpuMs ?? []), 'after', 'override');
  line('floor: JSON.parse', (r) => medianOf(r.floor?.parseCpuMs ?? []), 'after', 'override');
  return table(header, rows);
}

function costTable(results: Results, withBefore: boolean): string {
  const header = ['measure', 'after', 'ratio', ...(withBefore ? ['before', 'ratio'] : []), 'goal'];
  const rows: string[][] = [];
  const pair = (r: ScenarioResult | undefined, value: (r: ScenarioResult) => [number, number] | undefined): [string, string] => {
    const stopped = stoppedCell(r);
    const v = r ? value(r) : undefined;
    if (!v || !Number.isFinite(v[0])) return [stopped ?? 'n/a', 'n/a'];
    return [`${ms(v[0])} vs ${ms(v[1])}`, ratio(v[0], v[1])];
  };
  const row = (what: string, value: (r: ScenarioResult) => [number, number] | undefined, size: number, mode: Mode, dotenv: boolean, goal: string) =>
    rows.push([
      what,
      ...pair(results.get('after', size, mode, dotenv), value),
      ...(withBefore ? pair(results.get('before', size, mode, dotenv), value) : []),
      goal,
    ]);
  const rotatedCpu = (r: ScenarioResult) => medianOf(warmOrCold(r).map((x) => x.cpuMs));
  const parseEnv = (r: ScenarioResult) => medianOf(r.floor?.parseEnvCpuMs ?? []);
  const parse = (r: ScenarioResult) => medianOf(r.floor?.parseCpuMs ?? []);
  for (const size of results.sizes()) {
    for (const dotenv of [false, true]) {
      const env = dotenv ? ', .env' : '';
      row(`${n(size)} rotated, default${env}: refresh CPU vs JSON.parse + process.env writes`, (r) => [rotatedCpu(r), parseEnv(r)], size, 'override', dotenv, `≤ ${RATIO_GOAL}x`);
    }
    row(`${n(size)} rotated, skip: refresh CPU vs JSON.parse`, (r) => [rotatedCpu(r), parse(r)], size, 'skip', false, `≤ ${RATIO_GOAL}x`);
  }
  for (const size of results.sizes()) {
    for (const mode of ['override', 'skip'] as const) {
      row(`${n(size)} unchanged, ${mode === 'override' ? 'default' : 'skip'}: refresh CPU vs JSON.parse`, (r) => [medianOf(r.unchanged.map((x) => x.cpuMs)), parse(r)], size, mode, false, size === 10_000 ? `≤ ${RATIO_GOAL}x` : '');
    }
  }
  return table(header, rows);
}

function otherTable(results: Results, withBefore: boolean): string {
  const header = ['measure', 'after', ...(withBefore ? ['before'] : []), 'goal'];
  const rows: string[][] = [];
  const cells = (render: (r: ScenarioResult) => string | undefined, size: number, mode: Mode, dotenv: boolean, kind: Scenario['kind'] = 'rotation') =>
    (withBefore ? (['after', 'before'] as const) : (['after'] as const)).map((variant) => {
      const r = results.get(variant, size, mode, dotenv, kind);
      return (r && render(r)) ?? stoppedCell(r) ?? 'n/a';
    });
  const ns = (value: number) => `${fmt(value)} ns`;
  for (const dotenv of [false, true]) {
    const env = dotenv ? ', .env' : '';
    rows.push([`InfisicalConfigService.get() vs Map.get (1,000, default${env})`, ...cells((r) => r.get && `${ns(r.get.serviceNs)} vs ${ns(r.get.mapNs)}: ${ratio(r.get.serviceNs, r.get.mapNs)}`, 1_000, 'override', dotenv), `≤ ${RATIO_GOAL}x`]);
    rows.push([`ConfigService.get() (1,000, default${env}), vs Map.get`, ...cells((r) => r.get && `${ns(r.get.configNs)}: ${ratio(r.get.configNs, r.get.mapNs)}`, 1_000, 'override', dotenv), 'no slower than before']);
    const after = results.get('after', 1_000, 'override', dotenv)?.get;
    const before = results.get('before', 1_000, 'override', dotenv)?.get;
    // Best of 15 rounds in each process; Map.get itself varies too much between processes to normalise by.
    if (withBefore && after && before) rows.push([`ConfigService.get() after vs before (1,000, default${env})`, ratio(after.configNs, before.configNs), '', '≤ 1.00x']);
  }
  for (const mode of ['skip', 'override'] as const) {
    rows.push([
      `RSS every 25 of 100 rotations of 1,000, ${mode === 'skip' ? 'skip' : 'default'} (after gc; heap used)`,
      ...cells((r) => r.rss && `${r.rss.trendMb.map((v) => fmt(v, 1)).join(' → ')} MB (heap ${fmt(r.rss.heapBeforeMb, 1)} → ${fmt(r.rss.heapAfterMb, 1)} MB)`, 1_000, mode, false),
      mode === 'skip' ? 'flat' : '',
    ]);
  }
  rows.push([
    '10,000, fileCache on: refreshes that rewrote the cache file (inode, mtime, size)',
    ...cells((r) => r.cache && `unchanged ${r.cache.unchangedRewrites} of ${r.cache.unchangedRefreshes}; rotated ${r.cache.rotatedRewrites} of ${r.cache.rotatedRefreshes}`, 10_000, 'override', false, 'cache'),
    'unchanged: 0',
  ]);
  for (const size of results.sizes()) {
    const converge = (r: ScenarioResult, pick: (c: ScenarioResult['converge'][number]) => number | undefined) => medianOf(r.converge.map(pick).filter((v): v is number => v !== undefined));
    rows.push([
      `${n(size)} rotated, default: ConfigService shows every new value, ms after refresh() (load included); turns that saw a mix`,
      ...cells((r) => (r.converge.length ? `${ms(converge(r, (c) => c.configAllNewMs))}; ${max(r.converge.map((c) => c.configMixedTicks))} mixed` : undefined), size, 'override', false),
      'one step',
    ]);
    rows.push([
      `${n(size)} rotated, default: process.env, first → last key written (ms after refresh()), turns of the loop in between`,
      ...cells(
        (r) =>
          r.converge.length ? `${ms(converge(r, (c) => c.envFirstNewMs))} → ${ms(converge(r, (c) => c.envAllNewMs))} (${fmt(medianOf(r.converge.map((c) => c.envTicks)), 0)} turns)` : undefined,
        size,
        'override',
        false,
      ),
      '',
    ]);
  }
  return table(header, rows);
}

function profileTable(what: string, summary: ProfileSummary): string {
  const busy = summary.windowMs - summary.idleMs;
  const rows = summary.top.map((entry) => [`\`${entry.name}\``, entry.where, ms(entry.ms), `${fmt((100 * entry.ms) / busy, 1)}%`]);
  const title = `CPU profile of ${what}, no .env (\`--cpu-prof\`, 100 µs sampling): ${ms(summary.windowMs)} from refresh() to its end, ${ms(busy)} busy, ${ms(summary.idleMs)} idle.`;
  return `${title}\n\n${table(['function (self time)', 'where', 'ms', 'share of busy'], rows)}`;
}

function problems(results: Results): string[] {
  const notes: string[] = [];
  for (const { variant, scenario: s, result: r } of results.all()) {
    const what = `${variant} ${s.kind} ${n(s.size)} ${s.processEnv}${s.dotenv ? ' +.env' : ''}`;
    for (const problem of new Set(r.problems)) notes.push(`WARNING ${what}: ${problem}`);
    if (r.mismatches && (r.mismatches.config || r.mismatches.env)) notes.push(`WARNING ${what}: ${r.mismatches.config} keys wrong in ConfigService, ${r.mismatches.env}/${r.mismatches.envChecked} in process.env`);
    if (r.stopped) notes.push(`${what}: stopped after the ${r.stopped.step} had run ${fmt(r.stopped.afterMs / 1000, 0)} s`);
  }
  return notes;
}

export function printReport(report: Report): void {
  const results = new Results(report.measured);
  const out = (text = '') => console.log(text);
  out(`\nnestjs-infisical-config mass-rotation bench (node ${process.version}, ${fmt(report.seconds, 0)} s, each scenario in a fresh process, at most ${fmt(report.timeoutMs / 1000, 0)} s)`);
  if (results.sizes().length) printScenarios(results, report, out);
  for (const { what, summary, problem } of report.profiled) out(summary ? `\n${profileTable(what, summary)}` : `\nprofile of ${what}: ${problem}`);
  const notes = problems(results);
  if (notes.length) out(`\n${notes.join('\n')}`);
}

function printScenarios(results: Results, report: Report, out: (text?: string) => void): void {
  out(
    '\nLongest event-loop block during a refresh in which every value rotated: the longest gap between 1 ms ticks over all such refreshes, ' +
      'the first after boot included ("own": less the time the main thread waited for a CPU taken by other processes); p99 of the tick gaps over the warm ones:\n',
  );
  out(blockTable(results, report.withBefore));
  out('\nPer scenario:\n');
  out(detailTable(results));
  out('\nCost per secret (linear growth keeps a row flat):\n');
  out(perSecretTable(results, report.withBefore));
  out('\nCPU of one refresh vs floors measured in the same process (medians):\n');
  out(costTable(results, report.withBefore));
  out('\nReads, memory, cache, convergence:\n');
  out(otherTable(results, report.withBefore));
}
