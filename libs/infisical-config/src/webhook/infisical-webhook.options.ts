/** Options of `InfisicalWebhookModule` (what `forRoot()` takes beside `path`, and what `forRootAsync()`'s factory returns). */
export interface InfisicalWebhookModuleOptions {
  /**
   * The webhook's secret key, as set on the webhook in Infisical. A list accepts any of its keys (to rotate
   * the key without dropping deliveries: add the new one, change it in Infisical, remove the old one).
   * Without one (`undefined`, `''`, `[]`) every call is refused, and the app says so at boot.
   */
  secret?: string | readonly string[];
  /**
   * How far the signature's timestamp may be from this host's clock, either way; older (or replayed)
   * deliveries are refused.
   * @default 300000 (5 minutes)
   */
  toleranceMs?: number;
  /**
   * Largest body accepted, in bytes; larger ones are refused with 413 before their signature is checked.
   * @default 65536 (64 KiB)
   */
  maxBodyBytes?: number;
  /**
   * Shortest time between the starts of two refreshes the webhook triggers: a burst (or a flood) of valid
   * deliveries becomes the refresh in progress plus at most one follow-up.
   * @default 1000
   */
  minIntervalMs?: number;
  /**
   * How many signatures are remembered (each for twice `toleranceMs`) to refuse replays; the oldest is
   * forgotten first when it is full.
   * @default 10000
   */
  replayCacheSize?: number;
}

/** Options fixed when the module is declared (they shape its route), for `forRoot()` and `forRootAsync()` alike. */
export interface InfisicalWebhookModuleExtras {
  /**
   * The route that receives the deliveries, `POST /<path>` (under the app's global prefix, if any), e.g.
   * `'webhooks/infisical'`. Letters, digits and `-._~/` only.
   */
  path: string;
}

/** Defaults, in one place. */
export const WEBHOOK_DEFAULTS = {
  toleranceMs: 5 * 60 * 1000,
  maxBodyBytes: 64 * 1024,
  minIntervalMs: 1_000,
  replayCacheSize: 10_000,
} as const;

/** Options after defaults and validation. @internal */
export interface ResolvedWebhookOptions {
  /** Without leading or trailing slashes. */
  readonly path: string;
  /** Empty when none is configured: every call is refused. */
  readonly keys: readonly Buffer[];
  readonly toleranceMs: number;
  readonly maxBodyBytes: number;
  readonly minIntervalMs: number;
  readonly replayCacheSize: number;
}
