import { Injectable } from '@nestjs/common';
import { RotationProbe } from 'nestjs-infisical-config';
import { lookup } from 'node:dns/promises';

/**
 * Tries a new DATABASE_URL before the app switches to it. The demo has no database, so it checks what it
 * can for real: the URL parses and its host resolves. A real app opens a connection and closes it
 * (`const client = new pg.Client(url); await client.connect(); await client.end();`).
 */
@Injectable()
export class DatabaseProbe {
  @RotationProbe({ keys: ['DATABASE_URL'], timeoutMs: 5_000 })
  async canReach(candidate: Record<string, string>): Promise<void> {
    const url = new URL(candidate.DATABASE_URL ?? '');
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new TypeError('not a postgres URL');
    await lookup(url.hostname);
  }
}
