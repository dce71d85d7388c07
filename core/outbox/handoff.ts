import type { DeliveryToAttempt } from '../services/callback-service.js';

/**
 * A process that makes callbacks' first attempts itself (its outbox relay,
 * workers/first-attempts.ts), offered the callback a transaction owes as that transaction
 * commits: the outbox row is written already claimed, and the attempt starts as soon as the
 * COMMIT returns, without a relay pass to claim it (a round trip and a statement less per
 * paid order on the money path, bench section 3). A row claimed this way whose process dies
 * before the attempt is recorded is found by the relay's sweep once its claim has expired,
 * like any other claim (at-least-once).
 */
export interface FirstAttemptHandoff {
  /** Takes a slot for one callback about to be owed; false when none is free (the relay claims the row later). */
  reserve(): boolean;
  /** The owing transaction committed: attempt the delivery now (its slot was reserved). */
  attempt(delivery: DeliveryToAttempt): void;
  /** The owing transaction did not commit: the reserved slot is free again. */
  release(): void;
}
