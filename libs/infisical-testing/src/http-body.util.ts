import type { IncomingMessage } from 'node:http';
import { bodyTooLarge, invalidJsonBody } from './infisical-error.replies.js';

/** Fastify's default bodyLimit. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the whole request body; rejects with a 413 reply past the limit (after draining it). */
export async function readRequestBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) throw bodyTooLarge();
  return Buffer.concat(chunks).toString('utf8');
}

/** An empty body is `undefined`; anything else must be JSON (the SDK always sends JSON). */
export function parseJsonBody(text: string): unknown {
  if (text.trim().length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw invalidJsonBody();
  }
}
