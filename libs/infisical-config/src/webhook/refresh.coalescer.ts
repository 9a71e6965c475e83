/** What a trigger led to. */
export type CoalescedTrigger =
  /** a refresh is planned (now, or once `minIntervalMs` has passed since the last one started) */
  | 'scheduled'
  /** a refresh is running: one more follows it, so a change made after it began is not missed */
  | 'follow-up'
  /** a refresh that has not started yet (or the follow-up) already covers this trigger */
  | 'coalesced'
  /** closed (app shutting down): nothing runs */
  | 'closed';

/**
 * Turns any number of triggers into few runs: at most one run at a time, at most one run waiting behind it,
 * and starts at least `minIntervalMs` apart, so a flood cannot drive more than one run per interval. A run
 * never starts synchronously inside `trigger()` (at the earliest on the next timer tick), so a caller can
 * answer its own request first. A run that rejects is swallowed: the next trigger runs again.
 */
export class RefreshCoalescer {
  private running = false;
  private followUp = false;
  private timer: NodeJS.Timeout | undefined;
  private lastStartedAt: number | undefined;
  private closed = false;
  private runs = 0;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly minIntervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  trigger(): CoalescedTrigger {
    if (this.closed) return 'closed';
    if (this.timer !== undefined || this.followUp) return 'coalesced';
    if (this.running) {
      this.followUp = true;
      return 'follow-up';
    }
    this.schedule();
    return 'scheduled';
  }

  /** How many runs have started. */
  get started(): number {
    return this.runs;
  }

  /** Drops what is planned; a run in progress finishes on its own, and nothing follows it. */
  close(): void {
    this.closed = true;
    this.followUp = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    const wait = this.lastStartedAt === undefined ? 0 : Math.max(0, this.lastStartedAt + this.minIntervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.start();
    }, wait);
  }

  private async start(): Promise<void> {
    this.running = true;
    this.lastStartedAt = this.now();
    this.runs += 1;
    try {
      await this.run();
    } catch {
      // The run reports its own failures (refresh() never rejects); nothing to add here.
    } finally {
      this.running = false;
      if (this.followUp && !this.closed) {
        this.followUp = false;
        this.schedule();
      }
    }
  }
}
