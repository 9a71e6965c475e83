import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { startDevInfisicalIfUnconfigured } from './dev-infisical.js';

async function bootstrap() {
  const devInfisical = await startDevInfisicalIfUnconfigured();
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  // The local server goes down after the app's HTTP server, when nothing talks to it any more.
  if (devInfisical) app.getHttpServer().once('close', () => void devInfisical.close());
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port);
  new Logger('Bootstrap').log(`Demo server listening on http://localhost:${port} (GET /health, GET /secrets/check)`);
}

void bootstrap();
