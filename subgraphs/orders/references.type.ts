import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * Entities of other subgraphs that orders point at. The orders subgraph knows only their
 * keys; the gateway fetches the rest (name, balance, …) from the owning subgraph.
 * `Merchant` is resolvable here because this subgraph adds fields to it (orders, payouts…).
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
@ObjectType('Channel')
export class ChannelRef {
  @Field(() => ID)
  id!: string;
}

export function channelRef(channelId: number): ChannelRef {
  return Object.assign(new ChannelRef(), { id: String(channelId) });
}

@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('CollectionAccount')
export class CollectionAccountRef {
  @Field(() => ID)
  id!: string;
}

export function collectionAccountRef(id: number | null | undefined): CollectionAccountRef | null {
  return id == null ? null : Object.assign(new CollectionAccountRef(), { id: String(id) });
}
