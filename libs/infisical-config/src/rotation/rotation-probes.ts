import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { errorClassName } from '../errors/sanitized-cause.util.js';
import { PROBE_FAILED, PROBE_TIMED_OUT } from '../infisical-config.messages.js';
import { withTimeout } from '../loader/with-timeout.util.js';
import type { SecretsDiff } from '../snapshot/snapshot-diff.js';
import type { SecretsSnapshot } from '../snapshot/secrets-snapshot.js';
import { rotationProbeMetadata, type RotationProbeMethod } from './rotation-probe.decorator.js';

const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

/** One discovered probe: `Class.method`, its keys and how to call it. */
interface Probe {
  readonly name: string;
  readonly keys: readonly string[];
  readonly timeoutMs: number;
  readonly run: RotationProbeMethod;
}

/** Why a refresh was refused by a probe: its name and keys, never a value. */
export interface ProbeRefusal {
  readonly probe: string;
  readonly reason: string;
}

/**
 * The app's `@RotationProbe()` methods, found once at module init, and run for a refresh before its swap:
 * only the probes whose keys the refresh touches, each with the candidate values of its own keys.
 */
@Injectable()
export class RotationProbes implements OnModuleInit {
  private probes: readonly Probe[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    const found: Probe[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const options = this.discovery.getMetadataByDecorator(rotationProbeMetadata, wrapper, method);
        if (!options) continue;
        const run = (instance[method] as RotationProbeMethod).bind(instance);
        found.push({ name: `${instance.constructor.name}.${method}`, keys: [...options.keys], timeoutMs: options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS, run });
      }
    }
    this.probes = found;
  }

  /** Names of the probes, for metrics and docs. */
  get names(): readonly string[] {
    return this.probes.map((probe) => probe.name);
  }

  /** Runs the probes `diff` touches, in parallel; the first refusal (in declaration order), or undefined. */
  async check(next: SecretsSnapshot, diff: SecretsDiff): Promise<ProbeRefusal | undefined> {
    if (this.probes.length === 0) return undefined;
    const touched = new Set([...diff.added, ...diff.changed, ...diff.removed]);
    const due = this.probes.filter((probe) => probe.keys.some((key) => touched.has(key)));
    const results = await Promise.all(due.map((probe) => this.runOne(probe, next)));
    return results.find((result) => result !== undefined);
  }

  private async runOne(probe: Probe, next: SecretsSnapshot): Promise<ProbeRefusal | undefined> {
    const candidate: Record<string, string> = {};
    for (const key of probe.keys) {
      const value = next.get(key);
      if (value !== undefined) candidate[key] = value;
    }
    const expired = new AbortController();
    const timedOut = () => new ProbeTimeoutError();
    try {
      await withTimeout(Promise.resolve().then(() => probe.run(Object.freeze(candidate), expired.signal)), probe.timeoutMs, timedOut, expired);
      return undefined;
    } catch (error) {
      // The error's message may quote the candidate values: only its class is kept.
      const why = error instanceof ProbeTimeoutError ? PROBE_TIMED_OUT(probe.timeoutMs) : errorClassName(error);
      return { probe: probe.name, reason: PROBE_FAILED(probe.name, probe.keys, why) };
    }
  }
}

class ProbeTimeoutError extends Error {}
