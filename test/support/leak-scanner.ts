import { inspect, types } from 'node:util';
import { CANARY } from './seed.js';

/**
 * Finds planted secret values (the seed's CANARY, and any value a test adds) in text the code under test
 * produced: log lines, stdout/stderr, console output, HTTP payloads, metrics pages, errors.
 *
 * One instance per test file (Jest gives every file its own module registry): `test/support/leak-setup.ts`
 * feeds it every output channel and fails the test that produced a finding; tests feed it payloads
 * with `scanForLeaks.record(payload, 'where it came from')`.
 */

/** One planted value and the forms it is searched in. */
interface Needle {
  label: string;
  /** `caseless`: searched in the lower-cased text (plain text and hex survive a change of case). */
  forms: Array<{ encoding: string; text: string; caseless: boolean }>;
}

/** What was found, where; the excerpt has every planted value replaced by its label. */
export interface LeakFinding {
  channel: string;
  canaries: string[];
  excerpt: string;
}

/**
 * Base64 of `value` as it appears inside a longer base64 text, for each of the three byte alignments: the
 * characters that depend on the neighbouring bytes are cut off.
 */
function base64Forms(value: string): string[] {
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset += 1) {
    const encoded = Buffer.from('\0'.repeat(offset) + value).toString('base64');
    const start = Math.ceil((offset * 4) / 3);
    const end = Math.floor(((offset + Buffer.byteLength(value)) * 4) / 3);
    forms.push(encoded.slice(start, end));
  }
  return forms;
}

function needle(label: string, value: string): Needle {
  const forms = [
    { encoding: 'plain', text: value, caseless: false },
    { encoding: 'other case', text: value.toLowerCase(), caseless: true },
    { encoding: 'hex', text: Buffer.from(value).toString('hex'), caseless: true },
    ...base64Forms(value).map((text) => ({ encoding: 'base64', text, caseless: false })),
  ];
  const uri = encodeURIComponent(value);
  if (uri !== value) forms.push({ encoding: 'URL-encoded', text: uri, caseless: false });
  return { label, forms };
}

const needles: Needle[] = [needle('CANARY', CANARY)];

/** Also look for `value` (a random cache key, a one-off secret), reported as `label`; short values are refused. */
export function addCanary(label: string, value: string): void {
  if (value.length < 8) throw new RangeError(`a canary must be at least 8 characters long to avoid false positives (${label})`);
  if (!needles.some((existing) => existing.forms[0].text === value)) needles.push(needle(label, value));
}

/** The planted values found in `text`, as `LABEL` or `LABEL (encoding)`; empty when it is clean. */
export function findCanaries(text: string): string[] {
  const found = new Set<string>();
  let lower: string | undefined;
  for (const { label, forms } of needles) {
    const plain = forms[0].text;
    if (text.includes(plain)) {
      found.add(label);
      continue;
    }
    for (const { encoding, text: form, caseless } of forms.slice(1)) {
      if (caseless ? (lower ??= text.toLowerCase()).includes(form) : text.includes(form)) found.add(`${label} (${encoding})`);
    }
  }
  return [...found];
}

/** `text` with every planted value (in any searched form) replaced by its label, safe to print. */
export function redact(text: string): string {
  let safe = text;
  for (const { label, forms } of needles) {
    for (const { text: form, caseless } of forms) {
      safe = caseless ? safe.replace(new RegExp(escapeRegExp(form), 'gi'), `[${label}]`) : safe.split(form).join(`[${label}]`);
    }
  }
  return safe;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const isError = (value: unknown): value is Error => value instanceof Error || types.isNativeError(value);

const INSPECT = { depth: 8, maxArrayLength: 200, maxStringLength: Infinity, breakLength: Infinity, getters: false } as const;

/**
 * Everything an error shows to whoever prints or serializes it: name, message, stack, own fields (also
 * non-enumerable ones), and the same for its `cause` chain and AggregateError's `errors`.
 */
export function describeError(error: unknown, seen = new Set<unknown>()): string {
  // isNativeError: also errors made outside the test's realm (Node's own fetch, fs...), where instanceof fails
  if (!isError(error) || seen.has(error)) return typeof error === 'string' ? error : inspect(error, INSPECT);
  seen.add(error);
  const parts = [`${error.name}: ${error.message}`, String(error.stack), inspect(error, INSPECT)];
  for (const name of Object.getOwnPropertyNames(error)) {
    if (name === 'stack' || name === 'message') continue;
    const value = (error as unknown as Record<string, unknown>)[name];
    parts.push(`${name}: ${isError(value) ? describeError(value, seen) : inspect(value, INSPECT)}`);
  }
  if (error.cause !== undefined) parts.push(`[cause] ${describeError(error.cause, seen)}`);
  const { errors } = error as { errors?: unknown };
  if (Array.isArray(errors)) for (const inner of errors) parts.push(`[errors] ${describeError(inner, seen)}`);
  try {
    parts.push(JSON.stringify(error));
  } catch {
    // circular: inspect above covered it
  }
  return parts.join('\n');
}

/** Text of any payload: strings as they are, errors in full, objects as JSON and as inspected. */
export function describePayload(payload: unknown): string {
  if (typeof payload === 'string') return payload;
  if (isError(payload)) return describeError(payload);
  if (Buffer.isBuffer(payload) || payload instanceof Uint8Array) return Buffer.from(payload).toString('utf8');
  let json = '';
  try {
    json = JSON.stringify(payload) ?? '';
  } catch {
    // circular
  }
  return `${json}\n${inspect(payload, INSPECT)}`;
}

const EXCERPT_RADIUS = 120;

function excerptAround(text: string, canaryLabels: string[]): string {
  const safe = redact(text);
  const at = Math.max(0, ...canaryLabels.map((label) => safe.indexOf(`[${label.replace(/ \(.*\)$/, '')}]`)));
  const start = Math.max(0, at - EXCERPT_RADIUS);
  return `${start > 0 ? '…' : ''}${safe.slice(start, at + EXCERPT_RADIUS)}${at + EXCERPT_RADIUS < safe.length ? '…' : ''}`;
}

/** Scans on arrival and keeps only the findings (not the text), so a long test file costs no memory. */
export class LeakScanner {
  private found: LeakFinding[] = [];
  private scanned = 0;
  private mutedDepth = 0;
  private readonly channels: string[] = [];

  /** Called by the leak setup for every output it wraps. */
  channelInstalled(channel: string): void {
    this.channels.push(channel);
  }

  /** The outputs the leak setup wrapped for this file. */
  installedChannels(): readonly string[] {
    return [...this.channels];
  }

  /**
   * Runs `leak` (synchronous) with console and stdout/stderr output scanned but not printed: a test of the
   * guard leaks on purpose and need not print the value to the terminal.
   */
  mute<T>(leak: () => T): T {
    this.mutedDepth += 1;
    try {
      return leak();
    } finally {
      this.mutedDepth -= 1;
    }
  }

  get muted(): boolean {
    return this.mutedDepth > 0;
  }

  /** Scans `payload` (text, error, object); returns the planted values it holds (empty when clean). */
  record(payload: unknown, channel = 'payload'): string[] {
    let text: string;
    try {
      text = describePayload(payload);
    } catch (error) {
      text = `<could not describe the payload: ${String(error)}>`;
    }
    this.scanned += 1;
    const canaries = findCanaries(text);
    if (canaries.length > 0) this.found.push({ channel, canaries, excerpt: excerptAround(text, canaries) });
    return canaries;
  }

  /** Findings since the last clear(), oldest first. */
  findings(): readonly LeakFinding[] {
    return [...this.found];
  }

  /** How many payloads were scanned since the file started (to prove a channel is wired). */
  get scannedCount(): number {
    return this.scanned;
  }

  /** Returns the findings and forgets them (a test of the scanner uses this to pass afterwards). */
  take(): LeakFinding[] {
    const found = this.found;
    this.found = [];
    return found;
  }

  clear(): void {
    this.found = [];
  }
}

/** The scanner of the current test file. */
export const scanForLeaks = new LeakScanner();

/** A failure message that says where each value leaked, without repeating the value. */
export function describeFindings(findings: readonly LeakFinding[], when: string): string {
  const lines = findings.map((finding) => `  - ${finding.channel}: ${finding.canaries.join(', ')}\n      ${finding.excerpt.replace(/\n/g, '\n      ')}`);
  return `Leak guard: a planted secret value reached an output ${when} (${findings.length} finding${findings.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}
