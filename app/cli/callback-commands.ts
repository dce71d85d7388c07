import { type CliCommand, requirePositional, UsageError } from './command.js';

/** Callback deliveries: inspect one with every attempt, or resend it (a new delivery; the running workers send it). */
export const callbackCommands: CliCommand[] = [
  {
    name: 'callback show',
    usage: 'callback show DELIVERY_ID   (status and every attempt)',
    async run(core, args) {
      const id = requirePositional(args, 0, 'DELIVERY_ID');
      const em = core.em();
      const delivery = await core.callbacks.byId(em, id);
      if (!delivery) throw new UsageError(`no callback delivery ${id}`);
      const attempts = await core.callbacks.listAttempts(em, id);
      return {
        id: delivery.id,
        profile: delivery.profile,
        subject: `${delivery.subjectType}:${delivery.subjectId}`,
        url: delivery.url,
        status: delivery.status,
        attempts: attempts.map((a) => ({
          number: a.number,
          startedAt: a.startedAt.toISOString(),
          httpStatus: a.httpStatus ?? null,
          latencyMs: a.latencyMs,
          success: a.success,
          reply: a.replySnippet ?? null,
          error: a.error ?? null,
        })),
      };
    },
  },
  {
    name: 'callback resend',
    usage: 'callback resend DELIVERY_ID   (queues the same request again as a new delivery)',
    async run(core, args) {
      const fresh = await core.callbacks.resend(core.em(), requirePositional(args, 0, 'DELIVERY_ID'), 'cli');
      return { id: fresh.id, resentFrom: args.positionals[0], status: fresh.status };
    },
  },
];
