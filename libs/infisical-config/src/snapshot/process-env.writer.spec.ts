import { ProcessEnvWriter } from './process-env.writer.js';
import { SecretsSnapshot } from './secrets-snapshot.js';
import { diffSnapshots } from './snapshot-diff.js';

const snapshot = (values: Record<string, string>) => new SecretsSnapshot(values, 'infisical', new Date(), 1);

/** Applies `next` after `previous`, as a refresh does. */
const refresh = (writer: ProcessEnvWriter, previous: SecretsSnapshot, next: SecretsSnapshot) => writer.apply(next, diffSnapshots(previous, next));

describe('ProcessEnvWriter', () => {
  it('override: sets every key; a removed key gets back what the environment held before', async () => {
    const env: NodeJS.ProcessEnv = { A: 'from-env' };
    const writer = new ProcessEnvWriter('override', new Set(), env);
    const first = snapshot({ A: 'infisical', B: 'b' });
    await writer.writeAll(first);
    expect(env).toEqual({ A: 'infisical', B: 'b' });
    await refresh(writer, first, snapshot({}));
    expect(env).toEqual({ A: 'from-env' });
  });

  it('preserve: keeps variables the environment had and still updates and removes the ones it set', async () => {
    const env: NodeJS.ProcessEnv = { A: 'from-env' };
    const writer = new ProcessEnvWriter('preserve', new Set(), env);
    const first = snapshot({ A: 'infisical', B: 'b' });
    await writer.writeAll(first);
    expect(env).toEqual({ A: 'from-env', B: 'b' });
    const second = snapshot({ A: 'rotated', B: 'rotated-b' });
    await refresh(writer, first, second);
    expect(env).toEqual({ A: 'from-env', B: 'rotated-b' });
    await refresh(writer, second, snapshot({ A: 'rotated' }));
    expect(env).toEqual({ A: 'from-env' });
  });

  it('skip: never reads or writes the environment', async () => {
    const env = new Proxy({} as NodeJS.ProcessEnv, {
      get: () => {
        throw new Error('read');
      },
      set: () => {
        throw new Error('written');
      },
    });
    const writer = new ProcessEnvWriter('skip', new Set(), env);
    const first = snapshot({ A: 'a' });
    await writer.writeAll(first);
    await refresh(writer, first, snapshot({ A: 'rotated', B: 'b' }));
    expect(writer.withheld(['NODE_OPTIONS'])).toEqual([]);
  });

  it('withholds keys that control the process unless allowed by name, in any case', async () => {
    const env: NodeJS.ProcessEnv = { PATH: '/usr/bin' };
    const values = { NODE_TLS_REJECT_UNAUTHORIZED: '0', NODE_OPTIONS: '--require x', PATH: '/tmp', LD_PRELOAD: 'x.so', https_proxy: 'http://p', NO_PROXY: '*', HTTPS_PROXY: 'http://p', APP: 'ok' };
    const writer = new ProcessEnvWriter('override', new Set(['HTTPS_PROXY']), env);
    expect(writer.withheld(snapshot(values).keys)).toEqual(['LD_PRELOAD', 'NODE_OPTIONS', 'NODE_TLS_REJECT_UNAUTHORIZED', 'NO_PROXY', 'PATH', 'https_proxy']);
    await writer.writeAll(snapshot(values));
    expect(env).toEqual({ PATH: '/usr/bin', HTTPS_PROXY: 'http://p', APP: 'ok' });
  });

  it('writes a mass change in slices, letting the event loop turn between them, and stops after close()', async () => {
    let writes = 0;
    // Each write costs about 50 µs, as setenv() does in a large environment.
    const slowEnv = new Proxy({} as NodeJS.ProcessEnv, {
      set: (target, key, value) => {
        const until = performance.now() + 0.05;
        while (performance.now() < until);
        writes += 1;
        return Reflect.set(target, key, value);
      },
    });
    const values = Object.fromEntries(Array.from({ length: 2_000 }, (_, index) => [`K${index}`, 'v']));
    const writer = new ProcessEnvWriter('override', new Set(), slowEnv);
    let turnedAt: number | undefined;
    setImmediate(() => (turnedAt = writes));
    await writer.writeAll(snapshot(values));
    expect(writes).toBe(2_000);
    expect(turnedAt).toBeGreaterThan(0);
    expect(turnedAt).toBeLessThan(2_000); // the loop turned while the writes were under way

    writes = 0;
    const closing = new ProcessEnvWriter('override', new Set(), slowEnv);
    const pending = closing.writeAll(snapshot(values));
    closing.close(); // before the first slice has yielded
    await pending;
    const writtenBeforeClose = writes;
    expect(writtenBeforeClose).toBeLessThan(2_000);
  });
});
