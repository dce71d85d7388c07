import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';

/** Document 002: an upstream operator pushing phone-recharge orders. */
@Entity({ tableName: 'operator' })
export class Operator {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 32, unique: true })
  uid!: string;

  @Property({ type: 'string', length: 128 })
  name!: string;

  @Property({ type: 'text' })
  md5keySealed!: string;

  @Property({ type: 'datetime', onCreate: () => new Date() })
  createdAt: Opt<Date> = new Date();
}
