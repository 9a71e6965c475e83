import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { InfisicalConfigService } from '../infisical-config.service.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import type { ResolvedWebhookOptions } from './infisical-webhook.options.js';
import { RefreshCoalescer, type CoalescedTrigger } from './refresh.coalescer.js';
import { classifyWebhookEvent } from './webhook-event.js';
import { NO_WEBHOOK_SECRET, RAW_BODY_MISSING, WEBHOOK_ACCEPTED, WEBHOOK_IGNORED } from './webhook.messages.js';
import { WebhookRefusalLog } from './webhook-refusal.log.js';
import { WebhookSignatureVerifier, type WebhookRefusalReason } from './webhook-signature.verifier.js';

/** What the route hands over of one call: headers, the raw bytes Nest kept (`rawBody: true`). */
export interface WebhookCall {
  readonly headers: IncomingHttpHeaders;
  /** `req.rawBody`: a Buffer when the app was created with `rawBody: true` and a body parser read the body */
  readonly rawBody: unknown;
}

/** The answer, always plain text and never more than a status word: a caller learns nothing else. */
export interface WebhookReply {
  readonly status: 202 | 400 | 401 | 413 | 415;
  readonly body: string;
}

export const SIGNATURE_HEADER = 'x-infisical-signature';

const REPLIES = {
  accepted: { status: 202, body: 'accepted' },
  unauthorized: { status: 401, body: 'invalid signature' },
  tooLarge: { status: 413, body: 'payload too large' },
  notJson: { status: 415, body: 'unsupported media type' },
  badRequest: { status: 400, body: 'bad request' },
} as const satisfies Record<string, WebhookReply>;

const REPLY_FOR: Record<WebhookRefusalReason, WebhookReply> = {
  'no secret configured': REPLIES.unauthorized,
  'missing signature': REPLIES.unauthorized,
  'bad signature': REPLIES.unauthorized,
  'stale timestamp': REPLIES.unauthorized,
  replay: REPLIES.unauthorized,
  'raw body unavailable': REPLIES.unauthorized,
  'unreadable body': REPLIES.badRequest,
  'body too large': REPLIES.tooLarge,
  'not JSON': REPLIES.notJson,
};

const PLANS: Record<CoalescedTrigger, string> = {
  scheduled: 'refreshing',
  'follow-up': 'refreshing again once the refresh in progress ends',
  coalesced: 'the refresh already planned covers it',
  closed: 'not refreshing: the app is shutting down',
};

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/** The parts of InfisicalConfigService the receiver uses. */
export type RefreshTarget = Pick<InfisicalConfigService, 'refresh' | 'status'>;

/**
 * Receives Infisical's webhook calls for one app: size, signature, timestamp and replay checks, then a
 * coalesced `InfisicalConfigService.refresh()` (the one way to refresh: in fleet mode it reaches the
 * leader) that runs after the reply. All of its state (seen signatures, the coalescer) is per app.
 */
export class InfisicalWebhookReceiver implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('InfisicalWebhook');
  private readonly verifier: WebhookSignatureVerifier;
  private readonly coalescer: RefreshCoalescer;
  private readonly refusals: WebhookRefusalLog;
  private rawBodyExplained = false;

  constructor(
    private readonly options: ResolvedWebhookOptions,
    private readonly config: Pick<ResolvedInfisicalOptions, 'projectId' | 'scopes'>,
    target: RefreshTarget,
    now: () => number = Date.now,
  ) {
    this.verifier = new WebhookSignatureVerifier(options.keys, options.toleranceMs, options.replayCacheSize, now);
    this.coalescer = new RefreshCoalescer(() => refreshAfterAnyInProgress(target), options.minIntervalMs, now);
    this.refusals = new WebhookRefusalLog(this.logger, 10_000, now);
  }

  onApplicationBootstrap(): void {
    if (this.options.keys.length === 0) this.logger.warn(NO_WEBHOOK_SECRET(this.options.path));
  }

  onApplicationShutdown(): void {
    this.coalescer.close();
  }

  /** How many refreshes the webhook has started in this app. */
  get refreshesStarted(): number {
    return this.coalescer.started;
  }

  receive(call: WebhookCall): WebhookReply {
    // Nest's body parser has read the body already (see the controller); the declared size is checked
    // before anything looks at it.
    const declared = Number(call.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.options.maxBodyBytes) return this.refuse('body too large');
    if (this.options.keys.length === 0) return this.refuse('no secret configured');

    const rawBody = this.rawBodyOf(call);
    if (typeof rawBody === 'string') return this.refuse(rawBody);
    // A chunked body has no declared size: its length is known once read.
    if (rawBody.length > this.options.maxBodyBytes) return this.refuse('body too large');

    const verified = this.verifier.verify(call.headers[SIGNATURE_HEADER], rawBody);
    if (!verified.ok) return this.refuse(verified.reason);

    const event = classifyWebhookEvent(verified.payload, this.config.projectId, this.config.scopes);
    if (event.kind === 'ignored') {
      this.logger.debug(WEBHOOK_IGNORED(event.event, event.why));
      return REPLIES.accepted;
    }
    const plan = this.coalescer.trigger();
    this.logger.log(WEBHOOK_ACCEPTED(event.event, event.environment, event.secretPath, PLANS[plan]));
    return REPLIES.accepted;
  }

  /** The exact bytes to verify, or why there are none. */
  private rawBodyOf(call: WebhookCall): Buffer | WebhookRefusalReason {
    if (Buffer.isBuffer(call.rawBody)) return call.rawBody;
    const hasBody = call.headers['transfer-encoding'] !== undefined || (Number(call.headers['content-length']) || 0) > 0;
    if (!hasBody) return Buffer.alloc(0); // nothing to read: the signature check refuses it as usual
    if (!JSON_TYPE.test(call.headers['content-type'] ?? '')) return 'not JSON';
    // A JSON body without its raw bytes: the app was created without rawBody: true. Say how to fix it, once.
    if (!this.rawBodyExplained) {
      this.rawBodyExplained = true;
      this.logger.error(RAW_BODY_MISSING(this.options.path));
    }
    return 'raw body unavailable';
  }

  private refuse(reason: WebhookRefusalReason): WebhookReply {
    this.refusals.refused(reason);
    return REPLY_FOR[reason];
  }
}

/**
 * A refresh someone else started (the schedule, a manual call) may have read Infisical before the change
 * this webhook announces, and `refresh()` would join it: wait for it to end, then load again.
 */
async function refreshAfterAnyInProgress(target: RefreshTarget): Promise<void> {
  if (target.status().refreshing) await target.refresh();
  await target.refresh();
}
