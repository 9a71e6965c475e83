import type { Redis } from 'ioredis';
import { FLEET_PEER_MISSING } from '../infisical-config.messages.js';

/** The two connections a fleet member needs: commands, and one in subscriber mode. */
export interface RedisConnections {
  readonly commands: Redis;
  readonly subscriber: Redis;
}

/**
 * Opens the connections with ioredis (an optional peer, loaded only in fleet mode). Commands fail at once
 * while Redis is down (no offline queue: a fleet member then works on its own) and the connections keep
 * retrying in the background, so the member rejoins the fleet when Redis is back.
 */
export async function openRedisConnections(config: string | Record<string, unknown>): Promise<RedisConnections> {
  let RedisClass: typeof Redis;
  try {
    ({ Redis: RedisClass } = await import('ioredis'));
  } catch {
    throw new Error(FLEET_PEER_MISSING);
  }
  const settings = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt: number) => Math.min(attempt * 250, 2_000),
  };
  const open = () => (typeof config === 'string' ? new RedisClass(config, settings) : new RedisClass({ ...config, ...settings }));
  const connections = { commands: open(), subscriber: open() };
  for (const connection of [connections.commands, connections.subscriber]) {
    // Errors are states here (down, back), reported by the member; an 'error' without a listener would throw.
    connection.on('error', () => undefined);
    connection.connect().catch(() => undefined);
  }
  return connections;
}

/** Closes both connections, politely if possible. */
export async function closeRedisConnections(connections: RedisConnections): Promise<void> {
  await Promise.all(
    [connections.commands, connections.subscriber].map(async (connection) => {
      try {
        if (connection.status === 'ready') await connection.quit();
      } finally {
        connection.disconnect();
      }
    }),
  );
}
