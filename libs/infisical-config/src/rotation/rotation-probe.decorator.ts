import { DiscoveryService } from '@nestjs/core';

/** What `@RotationProbe()` declares about a method. */
export interface RotationProbeOptions {
  /** The keys that rotate together (a user and its password): the probe gets exactly these. */
  keys: readonly string[];
  /**
   * Longest time the probe may take; a slower one counts as failed (its signal is aborted).
   * @default 10000
   */
  timeoutMs?: number;
}

/**
 * What a probe method receives: the candidate values of its keys only (a key the refresh removes is
 * absent), and a signal aborted at its timeout. It resolves when the values work and rejects when not.
 */
export type RotationProbeMethod = (candidate: Readonly<Record<string, string>>, signal: AbortSignal) => Promise<unknown>;

const probeDecorator = DiscoveryService.createDecorator<RotationProbeOptions>();

/** @internal The metadata key the discovery reads. */
export const ROTATION_PROBE_KEY = probeDecorator.KEY;

/** @internal */
export const rotationProbeMetadata = probeDecorator;

/**
 * Marks a provider method as the rotation probe of a group of keys. A refresh that changes any key of the
 * group runs the method with the new values of that group, before they reach any reader; if it rejects or
 * times out the whole refresh is refused and the last good values stay.
 *
 * ```ts
 * @Injectable()
 * export class DatabaseProbe {
 *   @RotationProbe({ keys: ['DB_HOST', 'DB_USER', 'DB_PASSWORD'] })
 *   async canConnect(candidate: Record<string, string>) {
 *     const client = new Client({ host: candidate.DB_HOST, user: candidate.DB_USER, password: candidate.DB_PASSWORD });
 *     await client.connect();
 *     await client.end();
 *   }
 * }
 * ```
 */
export const RotationProbe = (options: RotationProbeOptions): MethodDecorator => probeDecorator(options);
