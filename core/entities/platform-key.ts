import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';

/** A key pair the platform signs with (document 003 responses); the private half is sealed. */
@Entity({ tableName: 'platform_key' })
export class PlatformKey {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 64, unique: true })
  name!: string;

  @Property({ type: 'text' })
  publicKeyPem!: string;

  @Property({ type: 'text' })
  privateKeySealed!: string;

  @Property({ type: 'datetime', onCreate: () => new Date() })
  createdAt: Opt<Date> = new Date();
}
