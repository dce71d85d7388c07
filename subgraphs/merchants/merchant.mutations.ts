import { Arg, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import { Credential, type CredentialKind, type MerchantStatus } from '../../core/entities/index.js';
import { audit } from '../../core/services/audit.js';
import type { SubgraphContext } from '../shared/context.js';
import { notFound, numericId, requireAdmin, requireIdentity } from '../shared/guards.js';
import { actorOf } from '../shared/identity.js';
import { auditedTransaction } from '../shared/mutation.js';
import { RotatedCredential, toCredentialNode } from './credential.type.js';
import { CredentialKindEnum, MerchantStatusEnum } from './enums.js';
import { visibleMerchant } from './merchant.resolver.js';
import { MerchantNode, toMerchantNode } from './merchant.type.js';

@InputType('CreateMerchantInput')
class CreateMerchantInput {
  @Field(() => String, { description: '1–128 characters.' })
  name!: string;

  @Field(() => Int, { nullable: true, description: 'Fee on paid pay-ins in basis points, 0–10000; 0 when omitted.' })
  feeRateBp?: number | null;
}

@ObjectType('CreatedMerchant', { description: 'A new merchant and every credential it was issued, shown this once.' })
class CreatedMerchant {
  @Field(() => MerchantNode)
  merchant!: MerchantNode;

  @Field(() => String, { description: 'Document 000 merchant number.' })
  pid!: string;

  @Field(() => String, { description: 'Document 000 MD5 key.' })
  md5Key!: string;

  @Field(() => String, { description: 'Document 004 appKey.' })
  appKey!: string;

  @Field(() => String, { description: 'Document 004 secret.' })
  appSecret!: string;

  @Field(() => String, { description: 'Document 001 X-Api-Key.' })
  apiKey!: string;

  @Field(() => String, { description: 'Bearer token of the merchant dashboard (this API).' })
  dashboardToken!: string;
}

@InputType('UpdateMerchantInput', { description: 'Fields left out stay as they are.' })
class UpdateMerchantInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => MerchantStatusEnum, { nullable: true, description: 'DISABLED stops every credential of the merchant at once.' })
  status?: MerchantStatus | null;

  @Field(() => Int, { nullable: true, description: 'Fee on paid pay-ins in basis points, 0–10000.' })
  feeRateBp?: number | null;
}

@Resolver()
export class MerchantMutations {
  @Mutation(() => MerchantNode, { description: "Changes a merchant's name, status or fee rate (admin). Audited." })
  async updateMerchant(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateMerchantInput) input: UpdateMerchantInput,
    @Ctx() ctx: SubgraphContext,
  ): Promise<MerchantNode> {
    requireAdmin(ctx);
    const merchant = await ctx.core.merchants.update(
      ctx.em,
      numericId(id, 'merchant'),
      { name: input.name ?? undefined, status: input.status ?? undefined, feeRateBp: input.feeRateBp ?? undefined },
      actorOf(requireIdentity(ctx)),
    );
    return toMerchantNode(merchant);
  }

  @Mutation(() => CreatedMerchant, { description: 'Creates a merchant with its ledger accounts and credentials (admin).' })
  async createMerchant(@Arg('input', () => CreateMerchantInput) input: CreateMerchantInput, @Ctx() ctx: SubgraphContext): Promise<CreatedMerchant> {
    requireAdmin(ctx);
    const issued = await auditedTransaction(ctx, async (tx, actor) => {
      const created = await ctx.core.merchants.create(tx, { name: input.name, feeRateBp: input.feeRateBp ?? undefined });
      audit(tx, actor, 'merchant.create', { type: 'merchant', id: created.merchant.id }, { name: created.merchant.name, feeRateBp: created.merchant.feeRateBp });
      return created;
    });
    return Object.assign(new CreatedMerchant(), { ...issued, merchant: toMerchantNode(issued.merchant) });
  }

  @Mutation(() => RotatedCredential, {
    description: 'Replaces the secret of one credential; the old one stops working at once (admin, or the merchant itself).',
  })
  async rotateCredential(
    @Arg('merchantId', () => ID) merchantId: string,
    @Arg('kind', () => CredentialKindEnum) kind: CredentialKind,
    @Ctx() ctx: SubgraphContext,
  ): Promise<RotatedCredential> {
    return auditedTransaction(ctx, async (tx, actor) => {
      const merchant = await visibleMerchant({ ...ctx, em: tx }, merchantId);
      const credential = (await tx.findOne(Credential, { merchant, kind })) ?? notFound('credential');
      const { secret } = await ctx.core.credentials.rotate(tx, merchant, kind);
      audit(tx, actor, 'credential.rotate', { type: 'credential', id: credential.id }, { merchantId: merchant.id, kind });
      return Object.assign(new RotatedCredential(), { credential: toCredentialNode(credential), secret });
    });
  }
}
