import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';

/**
 * A row of the document-004 channel table (IDs 1–15 seeded by a migration). `plugin`
 * names the payment channel plugin that serves it; null means unassigned (routed to the
 * sandbox while the sandbox is on, refused otherwise).
 */
@Entity({ tableName: 'channel' })
export class Channel {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  id!: number;

  @Property({ type: 'string', length: 64 })
  name!: string;

  /** Monitor pay type this channel collects with (`alipay`, `wxpay`, `qqpay`, `bank`), if any. */
  @Property({ type: 'string', length: 16, nullable: true })
  payType?: string | null;

  @Property({ type: 'string', length: 32, nullable: true })
  plugin?: string | null;

  @Property({ type: 'boolean' })
  enabled: Opt<boolean> = true;
}
