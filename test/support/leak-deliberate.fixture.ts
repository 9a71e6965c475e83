/**
 * A test file that leaks on purpose, one channel per test. No `testMatch` of the suite matches it:
 * test/leak-guard.e2e-spec.ts runs it in a child Jest and checks that the leak guard
 * (test/support/leak-setup.ts) failed every LEAK test, passed the CLEAN one, and left the failing
 * ASSERTION (whose message quotes a value) to Jest alone.
 */
import { ConsoleLogger, Logger } from '@nestjs/common';
import { E2eHarness } from './boot.js';
import { DB_PASSWORD } from './seed.js';
import { LeakyBootModule, LeakyHttpModule } from './leaky.fixtures.js';


describe('deliberate leaks, one channel per test', () => {
  let harness: E2eHarness;
  beforeEach(async () => (harness = await E2eHarness.start()));
  afterEach(() => harness.close());

  it('LEAK: a Nest Logger line', () => {
    new Logger('Leaky').warn(`connecting with ${DB_PASSWORD}`);
  });

  it('LEAK: console.log', () => {
    console.log('the password is', DB_PASSWORD);
  });

  it('LEAK: process.stderr.write', () => {
    process.stderr.write(`password=${DB_PASSWORD}\n`);
  });

  it('LEAK: Nest ConsoleLogger to stdout, base64-encoded', () => {
    new ConsoleLogger('Leaky').log(`credentials ${Buffer.from(`app:${DB_PASSWORD}`).toString('base64')}`);
  });

  it('LEAK: an error thrown at boot (in its cause)', async () => {
    await harness.bootError([LeakyBootModule]);
  });

  it('LEAK: an HTTP reply', async () => {
    const app = await harness.boot([LeakyHttpModule]);
    await app.listen(0, '127.0.0.1');
    await (await fetch(`${await app.getUrl()}/leaky`)).text();
  });

  it('CLEAN: key names only', () => {
    new Logger('Clean').log('DB_PASSWORD rotated: reconnecting');
    console.log('DB_PASSWORD is set');
  });

  it('ASSERTION: a failing assertion that quotes a value', () => {
    expect(DB_PASSWORD).toBe('something else');
  });
});
