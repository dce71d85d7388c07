import { BigIntType, Entity, Index, ManyToOne, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';
import { Merchant } from './merchant.js';
import { MonitorClient } from './monitor-client.js';

/**
 * A personal payment code a merchant collects on (Alipay, WeChat, QQ, bank card). The
 * monitor channel allocates pay-ins to it; a monitoring app watching it reports what arrives.
 */
@Entity({ tableName: 'collection_account' })
@Index({ properties: ['merchant', 'payType'] })
@Unique({ properties: ['merchant', 'payType', 'accountName'] })
export class CollectionAccount {
  /** The document's `channel_account_id`. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Merchant)
  merchant!: Merchant;

  /** `alipay`, `wxpay`, `qqpay`, `bank` or `unionpay`. */
  @Property({ type: 'string', length: 16 })
  payType!: string;

  /** The merchant's own code for this channel (e.g. `ali_qr`), as monitors report it in `channel_code`. */
  @Property({ type: 'string', length: 32 })
  channelCode!: string;

  /** The account as monitors name it (`coll_user`, third-party `sub_account`); optional. */
  @Property({ type: 'string', length: 64, nullable: true })
  accountName?: string | null;

  /** What the payer scans: the QR code's text content. */
  @Property({ type: 'text' })
  qrContent!: string;

  @Property({ type: new BigIntType('number'), nullable: true })
  minAmount?: number | null;

  @Property({ type: new BigIntType('number'), nullable: true })
  maxAmount?: number | null;

  /** Most this account may receive per day (Asia/Shanghai calendar day). */
  @Property({ type: new BigIntType('number'), nullable: true })
  dailyCap?: number | null;

  @Property({ type: 'boolean' })
  enabled: Opt<boolean> = true;

  /** The monitoring app that watches this account; its heartbeats keep the account online. */
  @ManyToOne(() => MonitorClient, { nullable: true })
  monitorClient?: MonitorClient | null;

  @Property({ type: 'boolean' })
  online: Opt<boolean> = false;

  @Property({ type: 'datetime', nullable: true })
  lastHeartbeatAt?: Date | null;

  @Property({ type: 'datetime', onCreate: () => new Date() })
  createdAt: Opt<Date> = new Date();
}
