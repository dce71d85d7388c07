import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import { Credential, CredentialKind, Merchant } from '../entities/index.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { randomSecret } from '../crypto/secret-box.js';
import { runInOneTrip } from '../db/raw-sql.js';
import { tableColumns } from '../db/table-columns.js';
import { SigningKeyCache } from './signing-key-cache.js';

/** The columns of one table out of a joined row whose columns carry `prefix`. */
function columnsOf(row: Record<string, unknown>, prefix: string, columns: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(columns.map((c) => [c, row[`${prefix}${c}`]]));
}

/** Bearer keys are their own secret: they are looked up by a hash, never stored in clear. */
export function bearerLookup(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export interface OpenedCredential {
  merchant: Merchant;
  credentialId: number;
  /** The secret in clear: only in memory, only to verify a signature. */
  secret: string;
}

/** What a request signed with a merchant's key needs of the merchant: who, and whether it may. */
export type SigningMerchant = Pick<Merchant, 'id' | 'status'>;

/** A credential opened for a signature check, without a managed entity of its merchant. */
export interface OpenedSigningKey {
  merchant: SigningMerchant;
  /** The secret in clear: only in memory, only to verify a signature. */
  secret: string;
}

/** Issues, finds and rotates merchant credentials; secrets are sealed before they are persisted. */
export class CredentialService {
  /**
   * Opened signing keys kept between lookups; deaf (keeping nothing) until a listener
   * tells it it hears credential changes (credential-changes.ts, started by the serving roles).
   */
  readonly signingKeys: SigningKeyCache<Readonly<OpenedSigningKey>>;

  constructor(
    private readonly secrets: SecretBox,
    signingKeyCacheMs = 0,
  ) {
    this.signingKeys = new SigningKeyCache(signingKeyCacheMs);
  }

  /** Persists (without flushing) a new credential; returns the secret in clear, to show once. */
  issue(em: EntityManager, merchant: Merchant, kind: CredentialKind, lookup: string | null, secret = randomSecret()): { lookup: string; secret: string } {
    const effectiveLookup = lookup ?? bearerLookup(secret);
    em.persist(
      em.create(Credential, {
        merchant,
        kind,
        lookup: effectiveLookup,
        secretSealed: this.secrets.seal(secret),
        secretHint: secret.slice(-4),
      }),
    );
    return { lookup: effectiveLookup, secret };
  }

  /**
   * Finds the credential a client identified itself with (pid, appKey) and opens its secret.
   * Every signed request starts here, so it is one hand-written join; only the merchant
   * becomes a managed entity (callers attach it to what they write). The ORM's `findOne`
   * with `populate` cost five times the CPU, and mapping the credential too another ~1.5%
   * of the process's (bench/FINDINGS.md).
   */
  async open(em: EntityManager, kind: CredentialKind, lookup: string): Promise<OpenedCredential | null> {
    const merchantColumns = tableColumns(em, Merchant);
    const [rows] = await runInOneTrip(em, [
      {
        sql: `select c.id as c_id, c.secret_sealed as c_secret_sealed, ${merchantColumns.map((c) => `m.${c} as m_${c}`).join(', ')}
              from credential c join merchant m on m.id = c.merchant_id where c.kind = ? and c.lookup = ?`,
        params: [kind, lookup],
        returnsRows: true,
      },
    ]);
    const row = rows![0];
    if (!row) return null;
    const merchant = em.map(Merchant, columnsOf(row, 'm_', merchantColumns));
    return { merchant, credentialId: Number(row.c_id), secret: this.secrets.open(String(row.c_secret_sealed)) };
  }

  /**
   * `open` for callers that only check a signature and name the merchant by id (document
   * 000's monitor requests, the busiest signed route): the merchant stays plain values.
   * Mapping it to an entity was ~5% of the all-in-one's CPU under report load
   * (bench/FINDINGS.md, sixth pass). A key this process has opened is kept while it hears
   * of every change to credentials and merchants (`signingKeys`, kept only on PostgreSQL
   * while its LISTEN connection is up), so a rotated key or a disabled merchant applies as
   * soon as the change's commit is notified, and from the next lookup on where nothing is
   * kept. Requests of one caller that arrive while its lookup is under way share it (one
   * round trip for all of them, bench section 2).
   */
  openSigningKey(em: EntityManager, kind: CredentialKind, lookup: string): Promise<Readonly<OpenedSigningKey> | null> {
    const key = `${kind} ${lookup}`;
    const kept = this.signingKeys.find(key);
    if (kept) return Promise.resolve(kept);
    const generation = this.signingKeys.generation;
    // A lookup begun before a change this process has heard of may answer what it replaced.
    const underWay = this.signingKeysUnderWay.get(key);
    if (underWay && underWay.generation === generation) return underWay.lookingUp;
    const lookingUp = this.readSigningKey(em, kind, lookup)
      .then((opened) => {
        if (opened) this.signingKeys.keep(key, opened, generation);
        return opened;
      })
      .finally(() => {
        if (this.signingKeysUnderWay.get(key)?.lookingUp === lookingUp) this.signingKeysUnderWay.delete(key);
      });
    this.signingKeysUnderWay.set(key, { lookingUp, generation });
    return lookingUp;
  }

  /** Signing-key lookups under way, by kind and lookup, with the cache generation each began in (openSigningKey). */
  private readonly signingKeysUnderWay = new Map<string, { lookingUp: Promise<Readonly<OpenedSigningKey> | null>; generation: number }>();

  private async readSigningKey(em: EntityManager, kind: CredentialKind, lookup: string): Promise<Readonly<OpenedSigningKey> | null> {
    const [rows] = await runInOneTrip(em, [
      {
        sql: 'select c.secret_sealed, m.id, m.status from credential c join merchant m on m.id = c.merchant_id where c.kind = ? and c.lookup = ?',
        params: [kind, lookup],
        returnsRows: true,
      },
    ]);
    const row = rows![0];
    if (!row) return null;
    // Shared by every request that joined the lookup: none may change it for the others.
    return Object.freeze({
      merchant: Object.freeze({ id: Number(row.id), status: row.status as Merchant['status'] }),
      secret: this.secrets.open(String(row.secret_sealed)),
    });
  }

  /** Finds the merchant of a bearer key (X-Api-Key, dashboard token). */
  async findByBearer(em: EntityManager, kind: CredentialKind, key: string): Promise<Credential | null> {
    return em.findOne(Credential, { kind, lookup: bearerLookup(key) }, { populate: ['merchant'] });
  }

  /** Replaces the secret of a credential; returns the new secret in clear, to show once. */
  async rotate(em: EntityManager, merchant: Merchant, kind: CredentialKind): Promise<{ lookup: string; secret: string }> {
    const credential = await em.findOneOrFail(Credential, { merchant, kind });
    const secret = randomSecret();
    if (kind === CredentialKind.ApiKey || kind === CredentialKind.DashboardToken) credential.lookup = bearerLookup(secret);
    credential.secretSealed = this.secrets.seal(secret);
    credential.secretHint = secret.slice(-4);
    credential.rotatedAt = new Date();
    return { lookup: credential.lookup, secret };
  }
}
