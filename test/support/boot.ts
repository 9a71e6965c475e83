import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { LocalInfisicalServer, type LocalInfisicalServerOptions } from 'nestjs-infisical-config/testing';
import type { InfisicalConfigModuleOptions } from 'nestjs-infisical-config';
import { LogCapture } from './log-capture.js';
import { guardProcessEnv } from './process-env.guard.js';
import { CLIENT_ID, CLIENT_SECRET, PROJECT_ID, e2eSeed } from './seed.js';

/**
 * One e2e scenario: a local Infisical server, captured logs and a guarded process.env.
 * `boot()` compiles a Nest app from the given imports; `close()` releases everything.
 */
export class E2eHarness {
  readonly logs = new LogCapture();
  private restoreEnv: (() => void) | undefined;
  private apps: INestApplication[] = [];

  private constructor(readonly server: LocalInfisicalServer) {}

  static async start(seed = e2eSeed(), serverOptions: Omit<LocalInfisicalServerOptions, 'seed'> = {}): Promise<E2eHarness> {
    const harness = new E2eHarness(await LocalInfisicalServer.start({ seed, ...serverOptions }));
    harness.restoreEnv = guardProcessEnv();
    harness.logs.install();
    return harness;
  }

  /** Options for the seeded project, for the `dev` environment's root. */
  options(overrides: Partial<InfisicalConfigModuleOptions> = {}): InfisicalConfigModuleOptions {
    return {
      siteUrl: this.server.url,
      projectId: PROJECT_ID,
      scopes: [{ environment: 'dev' }],
      auth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
      ...overrides,
    };
  }

  /** The five bootstrap variables pointing at the local server. */
  bootstrapVariables(): Record<string, string> {
    return {
      INFISICAL_SITE_URL: this.server.url,
      INFISICAL_PROJECT_ID: PROJECT_ID,
      INFISICAL_ENVIRONMENT: 'dev',
      INFISICAL_CLIENT_ID: CLIENT_ID,
      INFISICAL_CLIENT_SECRET: CLIENT_SECRET,
    };
  }

  async boot(imports: Array<Type | DynamicModule>): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({ imports }).setLogger(this.logs).compile();
    const app = moduleRef.createNestApplication({ logger: this.logs });
    this.apps.push(app);
    await app.init();
    return app;
  }

  /** Boots and returns the error that boot failed with (fails the test if boot succeeds). */
  async bootError(imports: Array<Type | DynamicModule>): Promise<Error> {
    try {
      await this.boot(imports);
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected boot to fail, but it succeeded');
  }

  async close(): Promise<void> {
    for (const app of this.apps) await app.close();
    this.logs.restore();
    this.restoreEnv?.();
    await this.server.close();
  }
}
