import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { CredentialKind, type Credential } from '../../core/entities/index.js';
import { CredentialKindEnum } from './enums.js';

/** A credential as the graph shows it: never the secret, only its last four characters. */
@ObjectType('Credential')
export class CredentialNode {
  @Field(() => ID)
  id!: string;

  @Field(() => CredentialKindEnum)
  kind!: CredentialKind;

  @Field(() => String, {
    nullable: true,
    description: 'What the client sends to identify itself (pid, appKey); null for bearer keys, which are their own secret.',
  })
  identifier!: string | null;

  @Field(() => String, { description: 'The secret masked to its last four characters, e.g. `••••••••a1B2`.' })
  maskedSecret!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  rotatedAt!: Date | null;
}

const bearerKinds = new Set<CredentialKind>([CredentialKind.ApiKey, CredentialKind.DashboardToken]);

export function toCredentialNode(c: Credential): CredentialNode {
  return Object.assign(new CredentialNode(), {
    id: String(c.id),
    kind: c.kind,
    identifier: bearerKinds.has(c.kind) ? null : c.lookup,
    maskedSecret: `••••••••${c.secretHint}`,
    createdAt: c.createdAt,
    rotatedAt: c.rotatedAt ?? null,
  });
}

@ObjectType('RotatedCredential', { description: 'A rotated credential and its new secret, shown this once.' })
export class RotatedCredential {
  @Field(() => CredentialNode)
  credential!: CredentialNode;

  @Field(() => String, { description: 'The new secret in clear. It is never shown again.' })
  secret!: string;
}
