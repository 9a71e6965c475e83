import { parse } from 'dotenv';
import { exportable } from './cli-context.js';
import { diffValues } from './commands/diff.command.js';
import { planMigration } from './commands/migrate.command.js';
import { changedKeys, childEnv } from './commands/run.command.js';
import { render } from './formats.js';
import { keyFilter } from './glob.util.js';

describe('CLI helpers', () => {
  it('keyFilter matches whole keys with * and ?, and everything without a glob', () => {
    const vite = keyFilter(['VITE_*']);
    expect(['VITE_API', 'VITE_', 'MY_VITE_X', 'vite_api'].map(vite)).toEqual([true, true, false, false]);
    expect(keyFilter(['DB_?OST', 'A.B'])('DB_HOST')).toBe(true);
    expect(keyFilter(['A.B'])('AxB')).toBe(false);
    expect(keyFilter([])('ANY')).toBe(true);
  });

  it('renders dotenv that dotenv parses back to the same values, and leaves out what it cannot hold', () => {
    const values = { A: "it's", B: 'multi\nline', C: 'a\\nb', D: 'all \' " ` quotes', E: '#hash', F: ' padded ', G: '${REF}' };
    const { text, left } = render(values, 'dotenv');
    expect(left).toEqual([{ key: 'D', reason: 'its value holds every dotenv quote' }]);
    const { D: _left, ...rest } = values;
    expect(parse(text)).toEqual(rest);
  });

  it('renders shell with single quotes and json as an object', () => {
    expect(render({ A: "it's", 'BAD-KEY': 'x' }, 'shell')).toEqual({ text: "export A='it'\\''s'\n", left: [{ key: 'BAD-KEY', reason: 'not a shell variable name' }] });
    expect(JSON.parse(render({ B: '2', A: '1' }, 'json').text)).toEqual({ A: '1', B: '2' });
  });

  it('exportable drops INFISICAL_* keys and any value equal to a credential', () => {
    const env = { INFISICAL_CLIENT_SECRET: 'the-secret' };
    expect(exportable({ INFISICAL_SITE_URL: 'x', infisical_token: 'y', COPY: 'the-secret', OK: 'v' }, env)).toEqual({ OK: 'v' });
  });

  it('diffValues compares per key, counts a trimmed match as the same, ignores INFISICAL_*', () => {
    expect(diffValues({ A: '1', B: ' 2 ', C: '3', INFISICAL_CLIENT_ID: 'x' }, { A: '1', B: '2', C: '4', D: '5' })).toEqual({
      onlyInFile: [],
      onlyInInfisical: ['D'],
      differs: ['C'],
      same: ['A', 'B'],
      trimmed: ['B'],
      ignored: ['INFISICAL_CLIENT_ID'],
    });
  });

  it('planMigration creates new keys, keeps differing ones unless overwrite', () => {
    const file = { NEW: 'n', SAME: ' s ', DIFF: 'd2', INFISICAL_CLIENT_SECRET: 'x' };
    const current = { SAME: 's', DIFF: 'd1' };
    expect(planMigration(file, current, false)).toEqual({ create: ['NEW'], update: [], keep: ['DIFF'], same: ['SAME'], ignored: ['INFISICAL_CLIENT_SECRET'] });
    expect(planMigration(file, current, true)).toMatchObject({ update: ['DIFF'], keep: [] });
  });

  it('childEnv applies override/preserve, strips credentials unless passed, withholds process-control keys', () => {
    const parent = { PATH: '/bin', DB: 'local', INFISICAL_CLIENT_SECRET: 's', INFISICAL_CLIENT_ID: 'id' };
    const secrets = { DB: 'remote', NEW: 'n', NODE_OPTIONS: '--inspect', INFISICAL_ACCESS_TOKEN: 't' };
    const override = childEnv(secrets, { processEnv: 'override' }, parent);
    expect(override.env).toEqual({ PATH: '/bin', DB: 'remote', NEW: 'n', INFISICAL_CLIENT_ID: 'id' });
    expect(override.withheld).toEqual(['NODE_OPTIONS']);
    const preserve = childEnv(secrets, { processEnv: 'preserve', passCredentials: true, allowProcessEnvKey: ['NODE_OPTIONS'] }, parent);
    expect(preserve.env).toEqual({ ...parent, NEW: 'n', NODE_OPTIONS: '--inspect' });
  });

  it('changedKeys names added, removed and changed keys', () => {
    expect(changedKeys({ A: '1', B: '2', C: '3' }, { A: '1', B: '3', D: '4' })).toEqual(['B', 'C', 'D']);
  });
});
