import { ProcessEnvWriter } from './process-env.writer.js';

describe('ProcessEnvWriter', () => {
  it('override: sets and removes whatever was there', () => {
    const env: NodeJS.ProcessEnv = { A: 'from-env' };
    const writer = new ProcessEnvWriter('override', env);
    writer.writeAll({ A: 'infisical', B: 'b' });
    expect(env).toEqual({ A: 'infisical', B: 'b' });
    writer.settle('A', undefined, 'infisical');
    expect(env).toEqual({ B: 'b' });
  });

  it('preserve: keeps variables the environment had and still updates the ones it set', () => {
    const env: NodeJS.ProcessEnv = { A: 'from-env' };
    const writer = new ProcessEnvWriter('preserve', env);
    writer.writeAll({ A: 'infisical', B: 'b' });
    expect(env).toEqual({ A: 'from-env', B: 'b' });
    env.A = 'clobbered'; // as ConfigService.set would
    writer.settle('A', 'rotated', 'from-env');
    env.B = 'rotated-b';
    writer.settle('B', 'rotated-b', 'b');
    expect(env).toEqual({ A: 'from-env', B: 'rotated-b' });
  });

  it('skip: puts back what was there', () => {
    const env: NodeJS.ProcessEnv = {};
    const writer = new ProcessEnvWriter('skip', env);
    writer.writeAll({ A: 'a' });
    env.A = 'clobbered';
    writer.settle('A', 'a', undefined);
    expect(env).toEqual({});
  });
});
