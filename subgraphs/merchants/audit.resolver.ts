import type { FilterQuery } from '@mikro-orm/core';
import { Args, ArgsType, Ctx, Field, Query, Resolver } from 'type-graphql';
import { AuditEntry } from '../../core/entities/index.js';
import { PageArgs, paginate, type Connection } from '../shared/connection.js';
import type { SubgraphContext } from '../shared/context.js';
import { requireAdmin } from '../shared/guards.js';
import { AuditEntryConnection, AuditEntryNode, toAuditEntryNode } from './audit-entry.type.js';

@ArgsType()
class AuditEntriesArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: '`admin`, `merchant:<id>`, …' })
  actor?: string | null;

  @Field(() => String, { nullable: true })
  action?: string | null;

  @Field(() => String, { nullable: true })
  subjectType?: string | null;

  @Field(() => String, { nullable: true })
  subjectId?: string | null;
}

@Resolver(() => AuditEntryNode)
export class AuditResolver {
  @Query(() => AuditEntryConnection, { description: 'The audit trail, newest first (admin only).' })
  async auditEntries(@Args(() => AuditEntriesArgs) args: AuditEntriesArgs, @Ctx() ctx: SubgraphContext): Promise<Connection<AuditEntryNode>> {
    requireAdmin(ctx);
    const where: FilterQuery<AuditEntry> = {};
    if (args.actor) where.actor = args.actor;
    if (args.action) where.action = args.action;
    if (args.subjectType) where.subjectType = args.subjectType;
    if (args.subjectId) where.subjectId = args.subjectId;
    return paginate(ctx.em, AuditEntry, where, args, { toNode: toAuditEntryNode });
  }
}
