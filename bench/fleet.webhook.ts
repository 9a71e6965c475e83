// A project webhook as Infisical sends it, signed by the bench itself and posted to one replica at once
// (not through the local server's delayed delivery, which adds its ~2 s on purpose).
import { createHmac } from 'node:crypto';
import { request } from 'node:http';

export interface WebhookTarget {
  port: number;
  path: string;
  secret: string;
}

/** `{"event":"secrets.modified",...}` with `x-infisical-signature: t=<ms>;<hex HMAC-SHA256(secret, body)>`. */
export function signedDelivery(secret: string, projectId: string, environment: string, secretPath: string, at = Date.now()): { body: string; signature: string } {
  const body = JSON.stringify({ event: 'secrets.modified', project: { workspaceId: projectId, environment, secretPath }, timestamp: at });
  return { body, signature: `t=${at};${createHmac('sha256', secret).update(body).digest('hex')}` };
}

/** POSTs it on a fresh connection (as Infisical does: one connection per delivery); resolves with the status. */
export function postWebhook(target: WebhookTarget, body: string, signature: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: `/${target.path}`,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-infisical-signature': signature },
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error('webhook POST timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
