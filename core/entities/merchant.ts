import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';

export enum MerchantStatus {
  Active = 'active',
  Disabled = 'disabled',
}

/** A merchant: the tenant every order, balance and credential belongs to. */
@Entity({ tableName: 'merchant' })
export class Merchant {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** Public merchant number used in document 000 paths (`/api/report/{pid}`). */
  @Property({ type: 'string', length: 16, unique: true })
  pid!: string;

  @Property({ type: 'string', length: 128 })
  name!: string;

  @Property({ type: 'string', length: 24 })
  status: Opt<MerchantStatus> = MerchantStatus.Active;

  /** Fee charged on paid pay-ins, in basis points (1/10000); 0 by default. */
  @Property({ type: 'integer' })
  feeRateBp: Opt<number> = 0;

  @Property({ type: 'datetime', onCreate: () => new Date() })
  createdAt: Opt<Date> = new Date();
}
