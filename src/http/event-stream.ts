/** Server-sent event streams: Fastify lets go of the reply and the raw response stays open. */
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/** Takes the reply over and writes the stream's headers; returns the raw response to write events to. */
export function openEventStream(reply: FastifyReply): ServerResponse {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    // Proxies such as nginx would otherwise buffer the stream.
    'X-Accel-Buffering': 'no',
  });
  return raw;
}
