import { Entity, ManyToOne, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';
import { Merchant } from './merchant.js';

/** Which dialect a credential authenticates; each merchant has at most one of each kind. */
export enum CredentialKind {
  /** Document 000: `pid` + MD5 key. */
  ReportKey = 'report_key',
  /** Document 004: `appKey` + secret. */
  AppKey = 'app_key',
  /** Document 001: `X-Api-Key`. */
  ApiKey = 'api_key',
  /** GraphQL merchant dashboard bearer token. */
  DashboardToken = 'dashboard_token',
}

/**
 * A merchant credential. `lookup` is what a client sends to identify itself (pid, appKey,
 * or a SHA-256 of a bearer key that is itself the secret); the secret is sealed with
 * AES-256-GCM and only opened in memory to verify a signature.
 */
@Entity({ tableName: 'credential' })
@Unique({ properties: ['kind', 'lookup'] })
@Unique({ properties: ['merchant', 'kind'] })
export class Credential {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Merchant)
  merchant!: Merchant;

  @Property({ type: 'string', length: 24 })
  kind!: CredentialKind;

  @Property({ type: 'string', length: 128 })
  lookup!: string;

  @Property({ type: 'text' })
  secretSealed!: string;

  /** Last four characters of the secret, for masked display. */
  @Property({ type: 'string', length: 8 })
  secretHint!: string;

  @Property({ type: 'datetime', onCreate: () => new Date() })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'datetime', nullable: true })
  rotatedAt?: Date | null;
}
