import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresBase, setupTestCore } from '../../test/support/core.js';
import { backendsWaitingForLocks } from '../../test/support/lock-waits.js';
import { waitFor } from '../../test/support/processes.js';
import { CredentialKind, Merchant } from '../entities/index.js';

// PostgreSQL: a table lock held from another connection makes a lookup wait where
// pg_stat_activity can count the backends waiting.
const core = await setupTestCore({}, { databaseBase: postgresBase });

describe('signing-key lookups', () => {
  it('share one lookup among the requests of a caller that arrive while it is under way, and keep nothing after it', async () => {
    const issued = await core.merchants.create(core.em(), { name: 'Single Flight Shop' });
    const holder = new pg.Client({ connectionString: core.databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table credential in access exclusive mode');
      const lookups = Array.from({ length: 5 }, () => core.credentials.openSigningKey(core.em(), CredentialKind.ReportKey, issued.pid));
      expect(await waitFor(async () => (await backendsWaitingForLocks(holder)) > 0, 5000, 20)).toBe(true);
      // Time for any other lookup to reach the lock too.
      await new Promise((r) => setTimeout(r, 200));
      // Five lookups, one of them in the database.
      expect(await backendsWaitingForLocks(holder)).toBe(1);
      await holder.query('rollback');
      const opened = await Promise.all(lookups);
      expect(new Set(opened).size).toBe(1);
      expect(opened[0]).toMatchObject({ merchant: { id: issued.merchant.id }, secret: issued.md5Key });
      expect(Object.isFrozen(opened[0]) && Object.isFrozen(opened[0]!.merchant)).toBe(true);

      // Rotated after that lookup answered: the next request reads the new key.
      const em = core.em();
      const rotated = await core.credentials.rotate(em, await em.findOneOrFail(Merchant, issued.merchant.id), CredentialKind.ReportKey);
      await em.flush();
      expect(rotated.secret).not.toBe(issued.md5Key);
      expect((await core.credentials.openSigningKey(core.em(), CredentialKind.ReportKey, issued.pid))?.secret).toBe(rotated.secret);
    } finally {
      await holder.end();
    }
  });
});
