import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { DEMO_WEBHOOK_PATH } from './demo-secrets.seed.js';
import { deliverDevWebhooks, startDevInfisicalIfUnconfigured } from './dev-infisical.js';

async function bootstrap() {
  const devInfisical = await startDevInfisicalIfUnconfigured();
  // abortOnError: false, so a failed boot ends with its message and exit code 1 rather than an abort.
  // rawBody: the webhook's signature is checked against the exact bytes Infisical sent.
  const app = await NestFactory.create(AppModule, { abortOnError: false, rawBody: true });
  app.enableShutdownHooks();
  // The local server goes down after the app's HTTP server, when nothing talks to it any more.
  if (devInfisical) app.getHttpServer().once('close', () => void devInfisical.close());
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port);
  if (devInfisical) deliverDevWebhooks(devInfisical, `http://127.0.0.1:${port}`);
  new Logger('Bootstrap').log(
    `Demo server listening on http://localhost:${port} (GET /health/ready, /health/live, /metrics, /secrets/check; POST /${DEMO_WEBHOOK_PATH} for Infisical's webhook)`,
  );
}

bootstrap().catch(() => {
  // Nest has logged the error, which says what failed and what to configure (never a secret value).
  new Logger('Bootstrap').error('Boot failed: see the error above. Exiting with code 1.');
  process.exit(1);
});
