// Self time per function from a V8 .cpuprofile (as `node --cpu-prof` writes it), within a time window.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  /** file:line, relative to `root` when under it; package name for node_modules. */
  where: string;
  ms: number;
}

export interface ProfileSummary {
  /** Sampled time in the window, idle included. */
  windowMs: number;
  idleMs: number;
  top: SelfTime[];
}

function location(url: string, line: number, root: string): string {
  if (!url) return '';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const modules = path.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = path.slice(modules + 'node_modules/'.length).split('/');
    const name = parts[0].startsWith('@') ? 2 : 1;
    return `${parts.slice(0, name).join('/')} ${parts[parts.length - 1]}:${line + 1}`;
  }
  const shown = path.startsWith(root) ? relative(root, path) : path;
  return `${shown}:${line + 1}`;
}

/**
 * Self time of each function over the samples whose timestamps fall in [startUs, endUs] (the profiler's
 * clock, which on Linux is the monotonic clock of process.hrtime), largest first; `(idle)` apart.
 */
export function selfTimeInWindow(file: string, window: [number, number], root: string, top = 8): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, SelfTime>();
  let at = profile.startTime;
  let windowMs = 0;
  let idleMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    // A sample stands for the time until the next one.
    const lasted = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (at < window[0] || at > window[1]) continue;
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    windowMs += lasted;
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idleMs += lasted;
      continue;
    }
    const where = location(node.callFrame.url, node.callFrame.lineNumber, root);
    const key = `${name}@${where}`;
    const entry = totals.get(key) ?? { name, where, ms: 0 };
    entry.ms += lasted;
    totals.set(key, entry);
  }
  return { windowMs, idleMs, top: [...totals.values()].sort((a, b) => b.ms - a.ms).slice(0, top) };
}
