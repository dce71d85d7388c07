import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * Entities of the merchants subgraph that configs points at. `Merchant` is resolvable
 * here because this subgraph adds `collectionAccounts` to it.
 */
@Directive('@key(fields: "id")')
@ObjectType('Merchant')
export class MerchantRef {
  @Field(() => ID)
  id!: string;

  merchantId!: number;
}

export function merchantRef(merchantId: number): MerchantRef {
  return Object.assign(new MerchantRef(), { id: String(merchantId), merchantId });
}

@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('MonitorClient')
export class MonitorClientRef {
  @Field(() => ID)
  id!: string;
}

export function monitorClientRef(id: number | null | undefined): MonitorClientRef | null {
  return id == null ? null : Object.assign(new MonitorClientRef(), { id: String(id) });
}
