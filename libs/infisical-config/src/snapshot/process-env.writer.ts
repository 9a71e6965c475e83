import type { ProcessEnvMode } from '../infisical-config.options.js';
import type { SecretValues } from './secrets-snapshot.js';

/**
 * Keeps `process.env` as `processEnv` says, at boot and after every refresh. It remembers which variables
 * it set, so `preserve` keeps what the environment had and still updates what Infisical delivered.
 */
export class ProcessEnvWriter {
  private readonly owned = new Set<string>();

  constructor(
    private readonly mode: ProcessEnvMode,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Boot: writes every value the mode allows. */
  writeAll(values: SecretValues): void {
    for (const key of Object.keys(values)) this.settle(key, values[key], this.env[key]);
  }

  /**
   * Puts `key` where the mode says it belongs, given what `process.env` held before (`ConfigService.set`
   * writes `process.env` whatever the mode; this puts it right). `value` undefined means removed.
   */
  settle(key: string, value: string | undefined, before: string | undefined): void {
    const ours = this.mode === 'override' || (this.mode === 'preserve' && (this.owned.has(key) || before === undefined));
    if (!ours) return this.restore(key, before);
    if (value === undefined) {
      delete this.env[key];
      this.owned.delete(key);
    } else {
      this.env[key] = value;
      this.owned.add(key);
    }
  }

  private restore(key: string, before: string | undefined): void {
    if (before === undefined) delete this.env[key];
    else this.env[key] = before;
  }
}
