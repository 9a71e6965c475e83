import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LocalInfisicalWebhookSignatureFormat } from './local-infisical.webhooks.js';

/** The `x-infisical-signature` value for `body` sent at `timestamp` (see LocalInfisicalWebhookSignatureFormat). */
export function signWebhookBody(secretKey: string, body: string, timestamp: number, format: LocalInfisicalWebhookSignatureFormat): string {
  if (format === 'v1') {
    return `t=${timestamp},v1=${createHmac('sha256', secretKey).update(`${timestamp}.${body}`).digest('hex')}`;
  }
  return `t=${timestamp};${createHmac('sha256', secretKey).update(body).digest('hex')}`;
}

/**
 * POSTs `body` as JSON on a connection of its own (no keep-alive pool, so nothing outlives the delivery)
 * and resolves with the status once the answer was read to its end; rejects when `signal` aborts or the
 * connection fails. Redirects are not followed.
 */
export function postWebhook(url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const outgoing = send(
      url,
      {
        method: 'POST',
        agent: false,
        signal,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
      },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
        response.once('close', () => {
          if (!response.complete) reject(Object.assign(new Error('the answer was cut short'), { code: 'ECONNRESET' }));
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
