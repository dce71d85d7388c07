import { ReferenceKind, type EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';

const known = new Map<EntityClass<object>, readonly string[]>();

/**
 * The columns an entity's row has (its scalar and many-to-one properties), from the ORM's
 * metadata, so hand-written SQL that maps rows back to entities (`em.map`) cannot fall
 * behind a property added later.
 */
export function tableColumns(em: EntityManager, entity: EntityClass<object>): readonly string[] {
  let columns = known.get(entity);
  if (!columns) {
    columns = em
      .getMetadata()
      .get(entity.name)
      .props.filter((p) => p.persist !== false && (p.kind === ReferenceKind.SCALAR || p.kind === ReferenceKind.MANY_TO_ONE))
      .flatMap((p) => p.fieldNames);
    known.set(entity, columns);
  }
  return columns;
}
