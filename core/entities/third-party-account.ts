import { Entity, ManyToOne, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';
import { Merchant } from './merchant.js';

/**
 * A third-party account agent (document 000 `/api/report/third-account`): an account that
 * watches other accounts' orders and reports them for a merchant, signed with its own key.
 * `(account, type)` identifies it, since its routes carry no merchant pid.
 */
@Entity({ tableName: 'third_party_account' })
@Unique({ properties: ['account', 'type'] })
export class ThirdPartyAccount {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Merchant)
  merchant!: Merchant;

  @Property({ type: 'string', length: 64 })
  account!: string;

  @Property({ type: 'integer' })
  type!: number;

  @Property({ type: 'text' })
  keySealed!: string;

  /** Last four characters of the key, for masked display. */
  @Property({ type: 'string', length: 8 })
  keyHint!: string;

  @Property({ type: 'boolean' })
  enabled: Opt<boolean> = true;

  @Property({ type: 'boolean' })
  online: Opt<boolean> = false;

  @Property({ type: 'datetime', nullable: true })
  lastHeartbeatAt?: Date | null;

  @Property({ type: 'datetime', onCreate: () => new Date() })
  createdAt: Opt<Date> = new Date();
}
