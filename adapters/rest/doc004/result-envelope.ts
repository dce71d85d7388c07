import type { FastifyInstance } from 'fastify';
import { Doc004Refusal, toRefusal } from './errors.js';

/** `{ error, errorMessage }` — the payout reply, also used for refusals of both queries. */
export function resultEnvelope(refusal: Doc004Refusal): { error: string; errorMessage: string } {
  return { error: refusal.code, errorMessage: refusal.message };
}

/** The error and not-found handlers of a route group answering in the `{ error, errorMessage }` envelope. */
export function useResultEnvelope(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const refusal = toRefusal(err);
    if (refusal.httpStatus >= 500) req.log.error({ err }, 'doc004 route failed');
    return reply.code(refusal.httpStatus).send(resultEnvelope(refusal));
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send(resultEnvelope(new Doc004Refusal('not_found', 'no such route', 404))));
}
