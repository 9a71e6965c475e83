import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import type { RefreshOutcome } from '../refresh/refresh.coordinator.js';
import type { InfisicalConfigStatus } from '../infisical-config.status.js';
import { InfisicalWebhookReceiver, type RefreshTarget, type WebhookCall } from './infisical-webhook.receiver.js';
import { resolveWebhookOptions } from './resolve-webhook-options.js';

const KEY = 'whsec-receiver-key';
const config = { projectId: 'proj', scopes: [{ environment: 'dev', secretPath: '/', recursive: false, includeImports: true, allowEmpty: false }] };

function signedCall(overrides: { at?: number; environment?: string; headers?: Record<string, string> } = {}): WebhookCall {
  const at = overrides.at ?? Date.now();
  const body = JSON.stringify({ event: 'secrets.modified', project: { workspaceId: 'proj', environment: overrides.environment ?? 'dev', secretPath: '/' }, timestamp: at });
  const signature = `t=${at};${createHmac('sha256', KEY).update(body).digest('hex')}`;
  return {
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'x-infisical-signature': signature, ...overrides.headers },
    rawBody: Buffer.from(body),
  };
}

class FakeTarget implements RefreshTarget {
  refreshing = false;
  readonly refreshes: number[] = [];
  refresh(): Promise<RefreshOutcome> {
    this.refreshes.push(Date.now());
    return Promise.resolve({ status: 'unchanged' });
  }
  status(): InfisicalConfigStatus {
    return { refreshing: this.refreshing } as InfisicalConfigStatus;
  }
}

describe('InfisicalWebhookReceiver', () => {
  let lines: string[];
  let target: FakeTarget;
  const receiver = (options: Parameters<typeof resolveWebhookOptions>[0] = { secret: KEY }) =>
    new InfisicalWebhookReceiver(resolveWebhookOptions(options, 'hooks/infisical'), config, target);

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    lines = [];
    target = new FakeTarget();
    for (const level of ['log', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((message: unknown) => void lines.push(`${level} ${String(message)}`));
    }
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('answers 202 at once and refreshes after the answer, logging event, environment and path', async () => {
    const subject = receiver();
    expect(subject.receive(signedCall())).toEqual({ status: 202, body: 'accepted' });
    expect(target.refreshes).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(target.refreshes).toHaveLength(1);
    expect(lines).toEqual(['log Infisical webhook: secrets.modified in dev:/; refreshing']);
  });

  it('waits out a refresh someone else started, then loads again', async () => {
    target.refreshing = true;
    receiver().receive(signedCall());
    await jest.advanceTimersByTimeAsync(1);
    expect(target.refreshes).toHaveLength(2);
  });

  it('refuses a declared size over maxBodyBytes before anything else, and a chunked one once read', () => {
    const subject = receiver({ secret: KEY, maxBodyBytes: 100 });
    expect(subject.receive({ headers: { 'content-length': '101' }, rawBody: undefined })).toEqual({ status: 413, body: 'payload too large' });
    expect(subject.receive({ headers: { 'transfer-encoding': 'chunked', 'content-type': 'application/json' }, rawBody: Buffer.alloc(101) })).toEqual({ status: 413, body: 'payload too large' });
  });

  it('without a secret: warns at boot naming the option, refuses every call with 401', () => {
    const subject = receiver({});
    subject.onApplicationBootstrap();
    expect(lines[0]).toMatch(/^warn InfisicalWebhookModule: no secret configured \(option "secret"\)/);
    expect(subject.receive(signedCall())).toEqual({ status: 401, body: 'invalid signature' });
  });

  it('without the raw body of a JSON call: 401, and one error that names rawBody: true', () => {
    const subject = receiver();
    const { headers } = signedCall();
    expect(subject.receive({ headers, rawBody: undefined })).toEqual({ status: 401, body: 'invalid signature' });
    expect(subject.receive({ headers, rawBody: undefined })).toEqual({ status: 401, body: 'invalid signature' });
    expect(lines.filter((line) => line.startsWith('error'))).toEqual([expect.stringContaining('NestFactory.create(AppModule, { rawBody: true })')]);
    expect(subject.receive({ headers: { ...headers, 'content-type': 'text/plain' }, rawBody: undefined })).toEqual({ status: 415, body: 'unsupported media type' });
  });

  it('logs refusals by reason only, at most once per 10 s per reason, counting the rest', () => {
    const subject = receiver();
    const forged = signedCall({ headers: { 'x-infisical-signature': `t=${Date.now()};${'0'.repeat(64)}` } });
    for (let i = 0; i < 5; i += 1) expect(subject.receive(forged)).toEqual({ status: 401, body: 'invalid signature' });
    subject.receive(signedCall({ at: Date.now() - 10 * 60_000 }));
    jest.advanceTimersByTime(10_000);
    subject.receive(forged);
    expect(lines).toEqual([
      'warn Infisical webhook refused: bad signature',
      'warn Infisical webhook refused: stale timestamp',
      'warn Infisical webhook refused: bad signature (and 4 more refusals of this kind since the last warning)',
    ]);
  });

  it('acknowledges an event outside the scopes with 202, at debug level, without refreshing', async () => {
    expect(receiver().receive(signedCall({ environment: 'prod' }))).toEqual({ status: 202, body: 'accepted' });
    await jest.advanceTimersByTimeAsync(5_000);
    expect(target.refreshes).toEqual([]);
    expect(lines).toEqual(['debug Infisical webhook acknowledged and ignored: secrets.modified (outside the scopes)']);
  });

  it('stops refreshing at shutdown', async () => {
    const subject = receiver();
    subject.receive(signedCall());
    subject.onApplicationShutdown();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(target.refreshes).toEqual([]);
  });
});

describe('resolveWebhookOptions', () => {
  it('applies defaults and normalizes the path', () => {
    expect(resolveWebhookOptions({ secret: ['a', '', 'b'] }, '/hooks/infisical/')).toEqual({
      path: 'hooks/infisical',
      keys: [Buffer.from('a'), Buffer.from('b')],
      toleranceMs: 300_000,
      maxBodyBytes: 65_536,
      minIntervalMs: 1_000,
      replayCacheSize: 10_000,
    });
  });

  it('lists every problem, never the secret', () => {
    expect(() => resolveWebhookOptions({ secret: [KEY, 3 as unknown as string], minIntervalMs: -1, replayCacheSize: 0 }, '')).toThrow(
      'Invalid InfisicalWebhookModule options (4 problems):\n' +
        "  - path must be a route such as 'webhooks/infisical' (letters, digits and -._~/ only)\n" +
        '  - secret must be a string or a list of strings\n' +
        '  - minIntervalMs must be an integer of at least 0\n' +
        '  - replayCacheSize must be an integer of at least 1',
    );
  });
});
