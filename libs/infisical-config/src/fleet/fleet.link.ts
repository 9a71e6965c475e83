import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { bindingHash } from '../cache/cache-binding.js';
import { openSnapshot, sealSnapshot } from '../cache/snapshot.sealer.js';
import { FLEET_REDIS_BACK, FLEET_REDIS_DOWN, FLEET_ROLE } from '../infisical-config.messages.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import { SecretsSnapshot } from '../snapshot/secrets-snapshot.js';
import { closeRedisConnections, openRedisConnections, type RedisConnections } from './redis.connection.js';
import { LARGE_LOAD, yieldToEventLoop } from '../loader/yield.util.js';

/** A replica's part in the fleet: it fetches for everyone, applies what the leader stored, or works alone. */
export type FleetRole = 'leader' | 'follower' | 'solo';

/** What the fleet state looks like from this replica, for status() and health. */
export interface FleetStatus {
  readonly role: FleetRole;
  readonly redis: 'up' | 'down';
  /** The fleet version this replica last published or took in. */
  readonly version: number | null;
  /** Whether this replica's fingerprint equals the one published with that version. */
  readonly fingerprintMatches: boolean | null;
}

/** A snapshot taken from Redis, or why none could be used. */
export type FleetPull = { readonly snapshot: SecretsSnapshot; readonly version: number } | { readonly unusable: string };

// Renew or release the lease only while this replica holds it.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

const logger = new Logger('InfisicalConfig');

/**
 * The fleet over Redis, for one replica: a lease (`SET NX PX`, renewed) that makes one replica at a time
 * the leader; the leader's snapshot, sealed like the file cache (AES-256-GCM, bound to site, project and
 * scopes) with a version and a keyed fingerprint; and two channels, one announcing new versions, one
 * carrying refresh requests to the leader. Redis holds no key name or value in clear. While Redis is down
 * the replica is `solo`: it works on its own and rejoins when Redis is back.
 */
export class FleetLink implements OnModuleDestroy {
  readonly replicaId = randomUUID();
  private connections: RedisConnections | undefined;
  private readonly key: Buffer;
  private readonly binding: string;
  private readonly names: { lease: string; snapshot: string; version: string; updates: string; triggers: string };
  private currentRole: FleetRole = 'solo';
  /** Unknown until the first command: a Redis that is down from the start is reported too. */
  private redisUp: boolean | undefined;
  private version: number | null = null;
  private fleetFingerprint: string | null = null;
  private leaseTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly roleListeners = new Set<(role: FleetRole) => void>();
  private readonly messageListeners = new Set<(channel: 'updates' | 'triggers') => void>();

  constructor(
    private readonly options: ResolvedInfisicalOptions,
    private readonly fleet: NonNullable<ResolvedInfisicalOptions['fleet']>,
  ) {
    this.key = fleet.key;
    this.binding = bindingHash({ siteUrl: options.siteUrl, projectId: options.projectId, scopes: options.scopes });
    // Names derive from the binding's hash: nothing about the project or its keys is readable in Redis.
    const ns = `infisical-config:${this.binding.slice(0, 24)}:`;
    this.names = { lease: `${ns}leader`, snapshot: `${ns}snapshot`, version: `${ns}version`, updates: `${ns}updates`, triggers: `${ns}triggers` };
  }

  get role(): FleetRole {
    return this.currentRole;
  }

  status(localFingerprint: string | null): FleetStatus {
    const matches = this.fleetFingerprint === null || localFingerprint === null ? null : this.fleetFingerprint === localFingerprint;
    return { role: this.currentRole, redis: this.redisUp === true ? 'up' : 'down', version: this.version, fingerprintMatches: matches };
  }

  onRole(listener: (role: FleetRole) => void): void {
    this.roleListeners.add(listener);
  }

  /** `updates`: the leader stored a new version; `triggers`: someone asks the leader to refresh. */
  onMessage(listener: (channel: 'updates' | 'triggers') => void): void {
    this.messageListeners.add(listener);
  }

  /** Connects (once) and starts competing for the lease. */
  async start(): Promise<void> {
    await this.connect();
    if (this.closed || !this.connections) return;
    const { subscriber } = this.connections;
    subscriber.on('message', (channel: string) => {
      const name = channel === this.names.updates ? 'updates' : channel === this.names.triggers ? 'triggers' : undefined;
      if (name && !this.closed) for (const listener of this.messageListeners) listener(name);
    });
    subscriber.subscribe(this.names.updates, this.names.triggers).catch(() => undefined);
    await this.leaseTick();
  }

  /**
   * The fleet's snapshot when it is fresh (fetched by the leader within the TTL), for a boot without an
   * Infisical call; waits for Redis at most `waitMs`.
   */
  async freshSnapshot(waitMs: number): Promise<SecretsSnapshot | undefined> {
    await this.connect();
    if (!(await this.waitUntilReady(waitMs))) return undefined;
    const pulled = await this.pull();
    if (!('snapshot' in pulled)) return undefined;
    return Date.now() - pulled.snapshot.fetchedAt.getTime() <= this.options.refresh.ttlMs ? pulled.snapshot : undefined;
  }

  /** The leader's snapshot from Redis, checked: present, authentic, bound to these options, fresh. */
  async pull(): Promise<FleetPull> {
    let stored: Record<string, string>;
    try {
      stored = (await this.connections?.commands.hgetall(this.names.snapshot)) ?? {};
    } catch {
      this.markRedis(false);
      return { unusable: 'Redis is unreachable' };
    }
    this.markRedis(true);
    if (!stored.sealed) return { unusable: 'no fleet snapshot in Redis yet' };
    // Opening and reading a large snapshot are long steps: the event loop turns between them, as in a refresh.
    const large = stored.sealed.length > LARGE_LOAD * 100;
    if (large) await yieldToEventLoop();
    const opened = openSnapshot(stored.sealed, this.key, this.binding, 'the fleet snapshot in Redis');
    if (!opened.ok) return { unusable: `the fleet snapshot in Redis was refused (${opened.problem})` };
    if (Date.now() - opened.writtenAt.getTime() > this.options.refresh.ttlMs) return { unusable: 'the fleet snapshot in Redis is older than the TTL' };
    if (large) await yieldToEventLoop();
    const snapshot = new SecretsSnapshot(opened.values, 'infisical', opened.writtenAt, 0);
    if (large) await yieldToEventLoop();
    this.version = Number(stored.version);
    this.fleetFingerprint = stored.fingerprint ?? null;
    return { snapshot, version: this.version };
  }

  /** The leader stores its snapshot, sealed, under a new version and announces it. */
  async publish(snapshot: SecretsSnapshot, fingerprint: string | null): Promise<void> {
    if (this.currentRole !== 'leader' || !this.connections || this.closed) return;
    const { commands } = this.connections;
    try {
      const version = await commands.incr(this.names.version);
      const sealed = sealSnapshot(snapshot.values, this.key, this.binding, snapshot.fetchedAt);
      await commands.hset(this.names.snapshot, { version: String(version), sealed, fingerprint: fingerprint ?? '' });
      await commands.publish(this.names.updates, String(version));
      this.version = version;
      this.fleetFingerprint = fingerprint;
    } catch {
      this.markRedis(false);
    }
  }

  /** A follower asks the leader to refresh now (a webhook, a manual refresh()). */
  async requestRefresh(): Promise<void> {
    try {
      await this.connections?.commands.publish(this.names.triggers, this.replicaId);
    } catch {
      this.markRedis(false);
    }
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  /** Gives the lease up (a successor takes over at once) and closes the connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.leaseTimer);
    this.roleListeners.clear();
    this.messageListeners.clear();
    const connections = this.connections;
    if (!connections) return;
    if (this.currentRole === 'leader') await connections.commands.eval(RELEASE, 1, this.names.lease, this.replicaId).catch(() => undefined);
    await closeRedisConnections(connections).catch(() => undefined);
  }

  private async connect(): Promise<void> {
    this.connections ??= await openRedisConnections(this.fleet.redis);
  }

  private async waitUntilReady(waitMs: number): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    while (this.connections?.commands.status !== 'ready') {
      if (Date.now() > deadline || this.closed) return false;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return true;
  }

  /** Takes, keeps or loses the lease; runs three times per lease period. */
  private async leaseTick(): Promise<void> {
    if (this.closed || !this.connections) return;
    const { commands } = this.connections;
    const { leaseMs } = this.fleet;
    try {
      if (this.currentRole === 'leader') {
        const renewed = await commands.eval(RENEW, 1, this.names.lease, this.replicaId, String(leaseMs));
        this.setRole(renewed === 1 ? 'leader' : 'follower');
      } else {
        const taken = await commands.set(this.names.lease, this.replicaId, 'PX', leaseMs, 'NX');
        this.setRole(taken === 'OK' ? 'leader' : 'follower');
      }
      this.markRedis(true);
    } catch {
      this.markRedis(false);
      this.setRole('solo');
    }
    if (!this.closed) this.leaseTimer = setTimeout(() => void this.leaseTick(), Math.round(leaseMs / 3));
  }

  private setRole(role: FleetRole): void {
    if (role === this.currentRole || this.closed) return;
    this.currentRole = role;
    logger.log(FLEET_ROLE(role));
    for (const listener of this.roleListeners) listener(role);
  }

  private markRedis(up: boolean): void {
    if (up === this.redisUp) return;
    this.redisUp = up;
    if (up) logger.log(FLEET_REDIS_BACK);
    else logger.warn(FLEET_REDIS_DOWN);
  }
}
