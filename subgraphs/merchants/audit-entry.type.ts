import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import type { AuditEntry } from '../../core/entities/index.js';
import { connectionType } from '../shared/connection.js';
import { JSONObjectScalar } from '../shared/scalars.js';

@ObjectType('AuditEntry', { description: 'Who did what to which object, and when.' })
export class AuditEntryNode {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: '`admin`, `merchant:<id>`, `cli` or `system`.' })
  actor!: string;

  @Field(() => String, { description: 'e.g. `merchant.create`, `credential.rotate`, `payout.complete`.' })
  action!: string;

  @Field(() => String)
  subjectType!: string;

  @Field(() => String)
  subjectId!: string;

  @Field(() => JSONObjectScalar, { nullable: true })
  details!: Record<string, unknown> | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

export function toAuditEntryNode(a: AuditEntry): AuditEntryNode {
  return Object.assign(new AuditEntryNode(), {
    id: String(a.id),
    actor: a.actor,
    action: a.action,
    subjectType: a.subjectType,
    subjectId: a.subjectId,
    details: a.details ?? null,
    createdAt: a.createdAt,
  });
}

export const AuditEntryConnection = connectionType(AuditEntryNode, 'AuditEntry');
