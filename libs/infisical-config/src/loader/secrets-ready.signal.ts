import { OPTIONS_TIMEOUT } from '../infisical-config.messages.js';
import type { SecretValues } from '../snapshot/secrets-snapshot.js';
import { withTimeout } from './with-timeout.util.js';

/**
 * Holds `ConfigService` back until the first snapshot is loaded. A provider: one signal per app.
 * `@nestjs/config` builds `ConfigService` only after its `load` factories resolve, and the factory this
 * module adds waits on {@link waitForValues}. So every consumer of `ConfigService`, in any module, in a
 * constructor or in another module's async factory, runs after the secrets are in.
 */
export class SecretsReadySignal {
  private markOptionsArrived!: () => void;
  private readonly optionsArrived = new Promise<void>((resolve) => (this.markOptionsArrived = resolve));
  private resolveValues!: (values: SecretValues) => void;
  private rejectValues!: (error: unknown) => void;
  private readonly values = new Promise<SecretValues>((resolve, reject) => {
    this.resolveValues = resolve;
    this.rejectValues = reject;
  });

  constructor(private readonly optionsTimeoutMs: number) {
    // A failure is reported by whichever provider fails first; this copy must not go unhandled.
    this.values.catch(() => undefined);
  }

  /** Called once the module options are known, before loading starts. */
  optionsReceived(): void {
    this.markOptionsArrived();
  }

  ready(values: SecretValues): void {
    this.resolveValues(values);
  }

  fail(error: unknown): void {
    this.rejectValues(error);
  }

  /**
   * The `ConfigModule` load factory. Waits for the options first, bounded: an options factory that
   * depends on the app-wide `ConfigService` would otherwise wait for itself forever. The load that
   * follows is bounded by its own startup timeout.
   */
  async waitForValues(): Promise<Record<string, string>> {
    await withTimeout(this.optionsArrived, this.optionsTimeoutMs, () => new Error(OPTIONS_TIMEOUT(this.optionsTimeoutMs)));
    return { ...(await this.values) };
  }
}
