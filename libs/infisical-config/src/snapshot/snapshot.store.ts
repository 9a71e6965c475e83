import { Subject, type Observable } from 'rxjs';
import type { SecretsDiff } from './snapshot-diff.js';
import type { SecretsSnapshot, SecretsSource } from './secrets-snapshot.js';

/** One applied refresh: which keys were added, changed and removed. Names only, never values. */
export interface SecretsChange extends SecretsDiff {
  readonly source: SecretsSource;
  readonly at: Date;
}

/** Holds the current snapshot; a swap is one assignment, so readers never see half a refresh. */
export class SnapshotStore {
  private current: SecretsSnapshot;
  private readonly changes = new Subject<SecretsChange>();
  readonly changes$: Observable<SecretsChange> = this.changes.asObservable();

  constructor(initial: SecretsSnapshot) {
    this.current = initial;
  }

  get snapshot(): SecretsSnapshot {
    return this.current;
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
