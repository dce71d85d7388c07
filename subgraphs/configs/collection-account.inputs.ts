import { Field, ID, InputType } from 'type-graphql';
import type { CollectionAccountPatch } from '../../core/services/collection-accounts.js';
import { ErrorCode, graphqlError } from '../shared/errors.js';
import { FenScalar } from '../shared/scalars.js';

@InputType('CreateCollectionAccountInput')
export class CreateCollectionAccountInput {
  @Field(() => ID)
  merchantId!: string;

  @Field(() => String, { description: '`alipay`, `wxpay`, `qqpay`, `bank` or `unionpay`.' })
  payType!: string;

  @Field(() => String, { description: "The merchant's own code for it (1–32 characters)." })
  channelCode!: string;

  @Field(() => String, { nullable: true })
  accountName?: string | null;

  @Field(() => String, { nullable: true, description: 'The QR code text; or give `qrImageBase64`.' })
  qrContent?: string | null;

  @Field(() => String, { nullable: true, description: 'A PNG or JPEG of the QR code, base64; decoded into `qrContent`.' })
  qrImageBase64?: string | null;

  @Field(() => FenScalar, { nullable: true })
  minAmount?: number | null;

  @Field(() => FenScalar, { nullable: true })
  maxAmount?: number | null;

  @Field(() => FenScalar, { nullable: true })
  dailyCap?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Default true.' })
  enabled?: boolean | null;

  @Field(() => String, { nullable: true, description: 'The monitor client (`client_name`) that watches it; created if new.' })
  clientName?: string | null;
}

/** Only the fields given change; a field given as null is cleared (where it may be). */
@InputType('UpdateCollectionAccountInput')
export class UpdateCollectionAccountInput {
  @Field(() => String, { nullable: true })
  payType?: string | null;

  @Field(() => String, { nullable: true })
  channelCode?: string | null;

  @Field(() => String, { nullable: true })
  accountName?: string | null;

  @Field(() => String, { nullable: true })
  qrContent?: string | null;

  @Field(() => String, { nullable: true })
  qrImageBase64?: string | null;

  @Field(() => FenScalar, { nullable: true })
  minAmount?: number | null;

  @Field(() => FenScalar, { nullable: true })
  maxAmount?: number | null;

  @Field(() => FenScalar, { nullable: true })
  dailyCap?: number | null;

  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;

  @Field(() => String, { nullable: true })
  clientName?: string | null;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A QR image sent as base64 (GraphQL has no bytes); malformed base64 is bad input, not an empty image. */
export function qrImageOf(base64: string | null | undefined): Buffer | undefined {
  if (base64 == null) return undefined;
  const compact = base64.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 !== 0) throw graphqlError(ErrorCode.BadUserInput, 'qrImageBase64 is not valid base64', 'qrImageBase64');
  return Buffer.from(compact, 'base64');
}

/** The service patch of an update: absent fields stay absent; required fields cannot be cleared. */
export function collectionAccountPatch(input: UpdateCollectionAccountInput): CollectionAccountPatch {
  const patch: CollectionAccountPatch = {};
  for (const field of ['payType', 'channelCode', 'qrContent', 'enabled'] as const) {
    if (input[field] === null) throw graphqlError(ErrorCode.BadUserInput, `${field} cannot be cleared`, field);
  }
  if (input.payType != null) patch.payType = input.payType;
  if (input.channelCode != null) patch.channelCode = input.channelCode;
  if (input.qrContent != null) patch.qrContent = input.qrContent;
  if (input.enabled != null) patch.enabled = input.enabled;
  for (const field of ['accountName', 'minAmount', 'maxAmount', 'dailyCap', 'clientName'] as const) {
    if (input[field] !== undefined) (patch as Record<string, unknown>)[field] = input[field];
  }
  const image = qrImageOf(input.qrImageBase64);
  if (image) patch.qrImage = image;
  return patch;
}
