import { Logger } from '@nestjs/common';
import { Subject, filter, type Observable } from 'rxjs';
import { SUBSCRIBER_FAILED } from '../infisical-config.messages.js';
import { errorClassName } from '../errors/sanitized-cause.util.js';
import { GuardedObservable } from './guarded.observable.js';
import type { SecretsDiff } from './snapshot-diff.js';
import type { SecretsSnapshot, SecretsSource } from './secrets-snapshot.js';

/** One applied refresh: which keys were added, changed and removed. Names only, never values. */
export interface SecretsChange extends SecretsDiff {
  readonly source: SecretsSource;
  readonly at: Date;
}

const logger = new Logger('InfisicalConfig');
// A subscriber's error message may quote a value: only its class is logged.
const reportSubscriberError = (error: unknown) => logger.error(SUBSCRIBER_FAILED(errorClassName(error)));

/** Holds the current snapshot; a swap is one assignment, so readers never see half a refresh. */
export class SnapshotStore {
  private current: SecretsSnapshot;
  private readonly changes = new Subject<SecretsChange>();
  /** Subscribers that throw are logged, never rethrown: they cannot break a refresh or the process. */
  readonly changes$: Observable<SecretsChange> = new GuardedObservable(this.changes.asObservable(), reportSubscriberError);

  constructor(initial: SecretsSnapshot) {
    this.current = initial;
  }

  get snapshot(): SecretsSnapshot {
    return this.current;
  }

  /** Changes that touch any of `keys`, with the same protection as {@link changes$}. */
  watch(keys: readonly string[]): Observable<SecretsChange> {
    const wanted = new Set(keys);
    const touches = (change: SecretsChange) => [change.added, change.changed, change.removed].some((names) => names.some((name) => wanted.has(name)));
    return new GuardedObservable(this.changes.pipe(filter(touches)), reportSubscriberError);
  }

  swap(next: SecretsSnapshot): void {
    this.current = next;
  }

  /** Called once ConfigService and process.env follow the new snapshot, so listeners read new values. */
  announce(change: SecretsChange): void {
    this.changes.next(change);
  }

  close(): void {
    this.changes.complete();
  }
}
