import { Controller, Inject, Post, Req, Res, type Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingHttpHeaders } from 'node:http';
import { InfisicalWebhookReceiver } from './infisical-webhook.receiver.js';

/** What the route reads of the request, on Express and Fastify alike. */
interface IncomingWebhookRequest {
  readonly headers: IncomingHttpHeaders;
  readonly rawBody?: unknown;
}

/**
 * A controller class for one registration, at `POST /<path>`: the route's path is class metadata, so each
 * `forRoot()` declares its own class. It holds no state (the receiver, a provider, does).
 *
 * About the body parser: Nest registers its JSON parser (Express: 100 KiB limit by default; Fastify: 1 MiB)
 * before any module middleware or route, so the body has already been read into memory (with
 * `rawBody: true`, its exact bytes kept as `req.rawBody`) by the time this handler runs; a body over the
 * parser's own limit is refused by the parser with 413 and never reaches it. The receiver then refuses a
 * declared `content-length` over `maxBodyBytes` (64 KiB) with 413 before looking at the body (no HMAC, no
 * JSON), and a chunked body without a length once its read size is known. To keep larger bodies from being
 * read at all, lower the parser's limit for the app (`app.useBodyParser('json', { limit: '64kb' })`).
 */
export function createInfisicalWebhookController(path: string): Type {
  @Controller(path)
  class InfisicalWebhookController {
    constructor(
      @Inject(InfisicalWebhookReceiver) private readonly receiver: InfisicalWebhookReceiver,
      @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    ) {}

    @Post()
    receive(@Req() request: IncomingWebhookRequest, @Res() response: unknown): void {
      const reply = this.receiver.receive({ headers: request.headers, rawBody: request.rawBody });
      const adapter = this.adapterHost.httpAdapter;
      adapter.setHeader(response, 'Content-Type', 'text/plain; charset=utf-8');
      adapter.setHeader(response, 'Cache-Control', 'no-store');
      adapter.reply(response, reply.body, reply.status);
    }
  }
  return InfisicalWebhookController;
}
