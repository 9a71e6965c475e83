// Messages and results of fleet.bench and its children (names and numbers only: never a value or a key).

/** One replica to boot in a replica child: the module's options but for what the scenario sets. */
export interface ReplicaSpec {
  /** The local server's URL. */
  url: string;
  /** refresh.ttlMs; absent = the default (5 min). */
  ttlMs?: number;
  /** Fleet mode over this Redis, with this sealing key (base64); absent = solo. */
  fleet?: { redis: string; key: string; leaseMs?: number };
  /** Serve InfisicalWebhookModule at POST /<path> with this key (the app listens on 127.0.0.1). */
  webhook?: { path: string; secret: string };
}

export interface ReplicaState {
  role: 'leader' | 'follower' | 'solo' | 'none';
  version: number | null;
  secretCount: number;
  refreshing: boolean;
}

/** Warnings and errors the apps logged: message (cut short, secrets redacted) -> how many. */
export type LogCounts = Record<string, number>;

/** Item 1: one fleet size in one mode. */
export interface CallsResult {
  mode: 'fleet' | 'solo';
  replicas: number;
  processes: number;
  appsPerProcess: number[];
  ttlMs: number;
  windowMs: number;
  /** Mean scheduled interval, ttlMs * refreshAt. */
  intervalMs: number;
  lists: number;
  /** Every request the server saw in the window (lists, logins, renewals). */
  requests: number;
  /** Redis HGETALL (fleet snapshot reads) in the window; 0 for solo. */
  redisSnapshotReads: number;
  rolesAtEnd: Record<string, number>;
  leaderChanges: number;
  logs: LogCounts;
}

/** Item 2: webhook to one replica -> every replica serves the new value. */
export interface PushResult {
  replicas: number;
  rotations: number;
  /** ms from just before the POST until the last replica reported the value (bench's clock). */
  allMs: number[];
  /** ms until the replica that received the webhook served it. */
  targetMs: number[];
  /** ms of the POST itself (until the 202). */
  postMs: number[];
  statuses: Record<string, number>;
  /** Rotations whose webhook went to the leader. */
  toLeader: number;
  /** Infisical list calls during the rotations. */
  lists: number;
  timeouts: number;
  logs: LogCounts;
}

/** One measured window of the follower's event loop (from bench/block-detector.ts, gaps dropped). */
export interface LoopWindow {
  eldP99Ms: number;
  eldMaxMs: number;
  maxGapMs: number;
  maxOwnGapMs: number;
  ms: number;
}

/** Item 3: a follower applying the leader's snapshot of `size` secrets. */
export interface ApplyResult {
  size: number;
  /** Sealed snapshot in Redis, bytes. */
  sealedBytes: number;
  /** 'all': every value rotated; 'one': one value changed. */
  applied: Record<'all' | 'one', LoopWindow[]>;
  idle: LoopWindow[];
  /** Pooled gaps' p99 (the gap detector), per kind. */
  gapP99Ms: Record<'all' | 'one' | 'idle', number>;
  lists: number;
  logs: LogCounts;
}
