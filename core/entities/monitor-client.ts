import { Entity, ManyToOne, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';
import { Merchant } from './merchant.js';

/**
 * A monitoring app on a merchant's phone (document 000 `client_name`, "like a group").
 * Its heartbeats keep it and the collection accounts it serves online.
 */
@Entity({ tableName: 'monitor_client' })
@Unique({ properties: ['merchant', 'clientName'] })
export class MonitorClient {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Merchant)
  merchant!: Merchant;

  @Property({ type: 'string', length: 64 })
  clientName!: string;

  @Property({ type: 'boolean' })
  online: Opt<boolean> = false;

  @Property({ type: 'datetime', nullable: true })
  lastHeartbeatAt?: Date | null;

  /** The last heartbeat's `ext_data`, as received (a JSON string by the document). */
  @Property({ type: 'text', nullable: true })
  extData?: string | null;

  @Property({ type: 'datetime', onCreate: () => new Date() })
  createdAt: Opt<Date> = new Date();
}
