import { Entity, Index, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';

/**
 * A signature already accepted from one caller (`merchant:<id>` or `third:<id>`). The
 * unique constraint refuses the same signed request twice inside the timestamp window;
 * rows older than the window can no longer matter and are pruned.
 */
@Entity({ tableName: 'report_replay' })
@Unique({ properties: ['caller', 'signature'] })
export class ReportReplay {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 64 })
  caller!: string;

  @Property({ type: 'string', length: 128 })
  signature!: string;

  @Property({ type: 'datetime', onCreate: () => new Date() })
  @Index()
  createdAt: Opt<Date> = new Date();
}
