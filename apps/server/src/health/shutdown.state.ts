import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/**
 * Readiness goes down as soon as shutdown starts, then the app waits a grace period
 * (SHUTDOWN_GRACE_MS, default 0) so load balancers stop sending traffic before the server closes.
 */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  shuttingDown = false;

  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    const graceMs = Number(process.env.SHUTDOWN_GRACE_MS ?? 0);
    if (graceMs > 0) await new Promise((resolve) => setTimeout(resolve, graceMs));
  }
}
