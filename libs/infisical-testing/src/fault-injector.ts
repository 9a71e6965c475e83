import type { LocalInfisicalRoute } from './local-infisical.routes.js';

/**
 * A failure to simulate. `times`: applies to the next N matching requests, then removes itself;
 * absent = until removed.
 */
export type LocalInfisicalFault =
  /** delay, then answer normally */
  | { kind: 'latency'; ms: number; times?: number }
  /** a realistic error body; 429 also gets the rate-limit headers including retry-after (default 60 s) */
  | {
      kind: 'status';
      status: 401 | 403 | 404 | 429 | 500 | 503;
      message?: string;
      retryAfterSeconds?: number;
      times?: number;
    }
  /** 200 with a JSON content type and a body that is not valid JSON */
  | { kind: 'malformed'; times?: number }
  /** send the headers and part of the body, then destroy the socket */
  | { kind: 'drop'; times?: number }
  /** read the request and never answer (until close()) */
  | { kind: 'blackhole'; times?: number };

interface ActiveFault {
  route: LocalInfisicalRoute | '*';
  fault: LocalInfisicalFault;
  remaining: number;
}

function assertValidFault(fault: LocalInfisicalFault): void {
  const { times } = fault;
  if (times !== undefined && (!Number.isInteger(times) || times < 1)) {
    throw new RangeError(`Fault 'times' must be a positive integer, got ${times}`);
  }
  if (fault.kind === 'latency' && (!Number.isFinite(fault.ms) || fault.ms < 0)) {
    throw new RangeError(`Latency fault 'ms' must be a non-negative number, got ${fault.ms}`);
  }
  if (fault.kind === 'status' && fault.retryAfterSeconds !== undefined && !(fault.retryAfterSeconds >= 0)) {
    throw new RangeError(`Status fault 'retryAfterSeconds' must be a non-negative number, got ${fault.retryAfterSeconds}`);
  }
}

/** Holds the injected faults; the oldest matching fault wins. */
export class FaultInjector {
  private faults: ActiveFault[] = [];

  /** Returns a function that removes this fault (a no-op once it is gone). */
  add(route: LocalInfisicalRoute | '*', fault: LocalInfisicalFault): () => void {
    assertValidFault(fault);
    const active: ActiveFault = { route, fault: { ...fault }, remaining: fault.times ?? Number.POSITIVE_INFINITY };
    this.faults.push(active);
    return () => {
      this.faults = this.faults.filter((candidate) => candidate !== active);
    };
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault for this request, consuming one of its uses. '*' also matches unknown routes. */
  take(route: LocalInfisicalRoute | undefined): LocalInfisicalFault | undefined {
    const active = this.faults.find((candidate) => candidate.route === '*' || candidate.route === route);
    if (!active) return undefined;
    active.remaining -= 1;
    if (active.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== active);
    return active.fault;
  }
}
