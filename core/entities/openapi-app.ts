import { Entity, ManyToOne, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { Merchant } from './merchant.js';

/** Document 003: an RSA2 open-API application of a merchant, holding the caller's public key. */
@Entity({ tableName: 'openapi_app' })
export class OpenApiApp {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 32, unique: true })
  appId!: string;

  @ManyToOne(() => Merchant)
  merchant!: Merchant;

  @Property({ type: 'text' })
  callerPublicKeyPem!: string;

  @Property({ type: 'datetime', onCreate: () => new Date() })
  createdAt: Opt<Date> = new Date();
}
