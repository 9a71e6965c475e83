import { Logger } from '@nestjs/common';
import { FLEET_SNAPSHOT_UNUSABLE } from '../infisical-config.messages.js';
import type { SnapshotLoader } from '../loader/secrets.loader.js';
import type { SecretsSnapshot } from '../snapshot/secrets-snapshot.js';
import type { FleetLink } from './fleet.link.js';

const logger = new Logger('InfisicalConfig');

/**
 * What a refresh loads in fleet mode: a follower takes the leader's snapshot from Redis; the leader, a
 * replica on its own (Redis down), and a follower whose fleet snapshot is unusable (missing, stale,
 * tampered, foreign) fetch from Infisical. Either way the result goes through the same guarded refresh.
 */
export class FleetSnapshotLoader implements SnapshotLoader {
  private lastProblem: string | undefined;

  constructor(
    private readonly infisical: SnapshotLoader,
    private readonly link: FleetLink,
  ) {}

  async load(requireSecrets = false, signal?: AbortSignal): Promise<SecretsSnapshot> {
    if (this.link.role !== 'follower') return this.infisical.load(requireSecrets, signal);
    const pulled = await this.link.pull();
    if ('snapshot' in pulled) {
      this.lastProblem = undefined;
      return pulled.snapshot;
    }
    // Said once per kind of problem, not on every refresh.
    if (pulled.unusable !== this.lastProblem) logger.warn(FLEET_SNAPSHOT_UNUSABLE(pulled.unusable));
    this.lastProblem = pulled.unusable;
    return this.infisical.load(requireSecrets, signal);
  }
}
