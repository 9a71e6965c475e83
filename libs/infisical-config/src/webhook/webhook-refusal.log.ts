import type { LoggerService } from '@nestjs/common';
import { WEBHOOK_REFUSED } from './webhook.messages.js';
import type { WebhookRefusalReason } from './webhook-signature.verifier.js';

/**
 * One warning per refusal reason, then at most one per `intervalMs` for that reason, counting the ones it
 * held back: a flood of forged calls cannot flood the log. Only the reason class is ever written.
 */
export class WebhookRefusalLog {
  private readonly last = new Map<WebhookRefusalReason, { at: number; suppressed: number }>();

  constructor(
    private readonly logger: Pick<LoggerService, 'warn'>,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  refused(reason: WebhookRefusalReason): void {
    const now = this.now();
    const entry = this.last.get(reason);
    if (entry && now - entry.at < this.intervalMs) {
      entry.suppressed += 1;
      return;
    }
    this.logger.warn(WEBHOOK_REFUSED(reason, entry?.suppressed ?? 0));
    this.last.set(reason, { at: now, suppressed: 0 });
  }
}
