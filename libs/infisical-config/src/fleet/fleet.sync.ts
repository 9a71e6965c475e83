import type { OnApplicationBootstrap } from '@nestjs/common';
import type { RefreshCoordinator } from '../refresh/refresh.coordinator.js';
import type { ContentFingerprinter } from '../snapshot/content-fingerprint.js';
import type { SnapshotStore } from '../snapshot/snapshot.store.js';
import type { FleetLink } from './fleet.link.js';

/**
 * Moves the fleet's events through the refresh path: a new leader refreshes at once (and so publishes); the
 * leader publishes after every refresh it makes and refreshes when a follower asks; a follower refreshes
 * (from Redis) when a new version is announced, once more if one arrives while it is busy.
 */
export class FleetSync implements OnApplicationBootstrap {
  private followUp = false;

  constructor(
    private readonly link: FleetLink,
    private readonly coordinator: RefreshCoordinator,
    private readonly store: SnapshotStore,
    private readonly fingerprinter: ContentFingerprinter,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.link.onRole((role) => {
      if (role === 'leader') void this.coordinator.refresh();
    });
    this.link.onMessage((channel) => {
      if (channel === 'triggers' && this.link.role === 'leader') void this.coordinator.refresh();
      if (channel === 'updates' && this.link.role === 'follower') this.takeUpdate();
    });
    this.coordinator.onOutcome((outcome) => {
      if (this.link.role === 'leader' && (outcome.status === 'applied' || outcome.status === 'unchanged')) {
        const snapshot = this.store.snapshot;
        void this.link.publish(snapshot, this.fingerprinter.fingerprint(snapshot.values));
      }
      if (this.followUp) {
        this.followUp = false;
        void this.coordinator.refresh();
      }
    });
    await this.link.start();
  }

  /** A refresh in flight may have read the version before this one: then one more follows it. */
  private takeUpdate(): void {
    if (this.coordinator.refreshing) this.followUp = true;
    else void this.coordinator.refresh();
  }
}
