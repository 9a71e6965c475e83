import { createHmac } from 'node:crypto';
import { ReplayGuard } from './replay.guard.js';
import { parseSignatureHeader, WebhookSignatureVerifier } from './webhook-signature.verifier.js';

const KEY = 'whsec-unit-key';
const NOW = 1_750_000_000_000;
const TOLERANCE_MS = 5 * 60_000;

const hmac = (key: string, text: string) => createHmac('sha256', key).update(text).digest('hex');
const bodyAt = (t: number, secretPath = '/') =>
  Buffer.from(JSON.stringify({ event: 'secrets.modified', project: { workspaceId: 'proj', environment: 'dev', secretPath }, timestamp: t }));
const projectHeader = (key: string, body: Buffer, t: number) => `t=${t};${hmac(key, body.toString())}`;
const v1Header = (key: string, body: Buffer, t: number) => `t=${t},v1=${hmac(key, `${t}.${body.toString()}`)}`;

describe('WebhookSignatureVerifier', () => {
  let now: number;
  const verifier = (keys: string[] = [KEY], replayCacheSize = 100) =>
    new WebhookSignatureVerifier(
      keys.map((key) => Buffer.from(key)),
      TOLERANCE_MS,
      replayCacheSize,
      () => now,
    );
  beforeEach(() => (now = NOW));

  describe.each([
    ['project', projectHeader],
    ['v1', v1Header],
  ] as const)('%s format', (format, sign) => {
    it('accepts a delivery signed with the key, and hands back the parsed body', () => {
      const body = bodyAt(NOW - 2_000);
      const result = verifier().verify(sign(KEY, body, NOW - 2_000), body);
      expect(result).toEqual({ ok: true, format, timestamp: NOW - 2_000, payload: JSON.parse(body.toString()) });
    });

    it('refuses one signed with another key', () => {
      const body = bodyAt(NOW);
      expect(verifier().verify(sign('another-key', body, NOW), body)).toEqual({ ok: false, reason: 'bad signature' });
    });

    it('refuses a truncated, over-long or non-hex digest', () => {
      const body = bodyAt(NOW);
      const header = sign(KEY, body, NOW);
      for (const bad of [header.slice(0, -1), header.slice(0, -2), header.slice(0, -32), `${header}00`, `${header.slice(0, -1)}g`]) {
        expect(verifier().verify(bad, body)).toEqual({ ok: false, reason: 'bad signature' });
      }
    });

    it('refuses an altered body (one byte, or a trailing space)', () => {
      const body = bodyAt(NOW);
      const header = sign(KEY, body, NOW);
      const altered = Buffer.from(body);
      altered[altered.length - 2] ^= 1; // the timestamp's last digit
      expect(verifier().verify(header, altered)).toEqual({ ok: false, reason: 'bad signature' });
      expect(verifier().verify(header, Buffer.concat([body, Buffer.from(' ')]))).toEqual({ ok: false, reason: 'bad signature' });
    });

    it('refuses a timestamp outside the window, in the past or the future; accepts its edges', () => {
      for (const t of [NOW - TOLERANCE_MS - 1, NOW + TOLERANCE_MS + 1, 0]) {
        const body = bodyAt(t);
        expect(verifier().verify(sign(KEY, body, t), body)).toEqual({ ok: false, reason: 'stale timestamp' });
      }
      for (const t of [NOW - TOLERANCE_MS, NOW + TOLERANCE_MS]) {
        const body = bodyAt(t);
        expect(verifier().verify(sign(KEY, body, t), body)).toEqual(expect.objectContaining({ ok: true }));
      }
    });

    it('refuses a replay inside the window, whatever the hex case; after the window it is stale', () => {
      const subject = verifier();
      const body = bodyAt(NOW);
      const header = sign(KEY, body, NOW);
      expect(subject.verify(header, body)).toEqual(expect.objectContaining({ ok: true }));
      expect(subject.verify(header, body)).toEqual({ ok: false, reason: 'replay' });
      now += TOLERANCE_MS;
      expect(subject.verify(header.replace(/[0-9a-f]{64}$/, (hex) => hex.toUpperCase()), body)).toEqual({ ok: false, reason: 'replay' });
      now += 1;
      expect(subject.verify(header, body)).toEqual({ ok: false, reason: 'stale timestamp' });
    });

    it('takes a delivery signed by any of several keys (key rotation)', () => {
      const body = bodyAt(NOW);
      expect(verifier(['old-key', KEY]).verify(sign(KEY, body, NOW), body)).toEqual(expect.objectContaining({ ok: true }));
    });

    it('refuses a signed body that is not JSON as unreadable', () => {
      const body = Buffer.from('not json');
      expect(verifier().verify(sign(KEY, body, NOW), body)).toEqual({ ok: false, reason: 'unreadable body' });
    });
  });

  it("project format: t is not signed, so it must equal the body's signed timestamp", () => {
    const old = NOW - 60 * 60_000;
    const body = bodyAt(old); // a delivery captured an hour ago, sent again with a fresh t
    expect(verifier().verify(`t=${NOW};${hmac(KEY, body.toString())}`, body)).toEqual({ ok: false, reason: 'bad signature' });
    const untimed = Buffer.from(JSON.stringify({ event: 'test' }));
    expect(verifier().verify(projectHeader(KEY, untimed, NOW), untimed)).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('v1 format: t is signed, so another t breaks the signature', () => {
    const body = bodyAt(NOW);
    const header = v1Header(KEY, body, NOW).replace(`t=${NOW}`, `t=${NOW - 1}`);
    expect(verifier().verify(header, body)).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('v1 format: any one of several v1 digests may match; unknown schemes are ignored', () => {
    const body = bodyAt(NOW);
    const good = hmac(KEY, `${NOW}.${body.toString()}`);
    expect(verifier().verify(`t=${NOW},v0=abc,v1=${'0'.repeat(64)},v1=${good}`, body)).toEqual(expect.objectContaining({ ok: true, format: 'v1' }));
  });

  it('refuses a missing, empty, repeated, malformed or over-long header', () => {
    const body = bodyAt(NOW);
    const good = projectHeader(KEY, body, NOW);
    expect(verifier().verify(undefined, body)).toEqual({ ok: false, reason: 'missing signature' });
    expect(verifier().verify('', body)).toEqual({ ok: false, reason: 'missing signature' });
    expect(verifier().verify([good, good], body)).toEqual({ ok: false, reason: 'bad signature' });
    for (const bad of [good.replace(';', ','), good.replace('t=', 'ts='), `t=${NOW}`, `t=-${NOW};${'a'.repeat(64)}`, `t=${NOW},t=${NOW},v1=${'a'.repeat(64)}`, `${good},v1=${'a'.repeat(600)}`]) {
      expect(verifier().verify(bad, body)).toEqual({ ok: false, reason: 'bad signature' });
    }
  });

  it('without a key, refuses everything', () => {
    const body = bodyAt(NOW);
    expect(verifier([]).verify(projectHeader(KEY, body, NOW), body)).toEqual({ ok: false, reason: 'no secret configured' });
  });

  it('parses both formats', () => {
    expect(parseSignatureHeader(`t=12;${'ab'.repeat(32)}`)).toEqual(expect.objectContaining({ format: 'project', timestamp: 12, timestampText: '12' }));
    expect(parseSignatureHeader(`t=12,v1=${'AB'.repeat(32)}`)).toEqual(expect.objectContaining({ format: 'v1', timestamp: 12 }));
    expect(parseSignatureHeader(`t=12;v1=${'ab'.repeat(32)}`)).toBeUndefined();
  });
});

describe('ReplayGuard', () => {
  it('forgets an entry retainMs after it was seen', () => {
    const guard = new ReplayGuard(1_000, 10);
    expect(guard.firstSeen('a', 0)).toBe(true);
    expect(guard.firstSeen('a', 999)).toBe(false);
    expect(guard.firstSeen('a', 1_000)).toBe(true);
    expect(guard.size).toBe(1);
  });

  it('holds at most maxEntries, forgetting the oldest first', () => {
    const guard = new ReplayGuard(60_000, 3);
    for (const key of ['a', 'b', 'c', 'd']) expect(guard.firstSeen(key, 1)).toBe(true);
    expect(guard.size).toBe(3);
    expect(guard.firstSeen('d', 2)).toBe(false);
    expect(guard.firstSeen('b', 2)).toBe(false);
    expect(guard.firstSeen('a', 2)).toBe(true); // the oldest went first
  });

  it('stays bounded under a flood', () => {
    const guard = new ReplayGuard(60_000, 1_000);
    for (let i = 0; i < 50_000; i += 1) guard.firstSeen(`k${i}`, i);
    expect(guard.size).toBe(1_000);
  });
});
