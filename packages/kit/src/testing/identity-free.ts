import { buildSubgraphSchema } from '@apollo/subgraph';
import { TypeInfo, parse, visit, visitWithTypeInfo, type DocumentNode } from 'graphql';
import type { Role } from '../auth.ts';
import { IDENTITY_HEADER } from '../service-token.ts';
import { graphql, type GraphQLResponse } from './graphql-client.ts';
import { gatewayIdentity } from './tokens.ts';

/**
 * What keeps a subgraph's `@identityFree` declarations true (the gateway shares a subscription
 * event's resolution among the users of one role on their word): the fields it declares, the
 * fields a set of probe operations selects (every declared one must be probed), and a call made
 * as two users of one role.
 */
export function identityFreeFields(sdl: DocumentNode): string[] {
  const fields: string[] = [];
  for (const definition of sdl.definitions) {
    if (!('fields' in definition) || !('name' in definition) || !definition.name) continue;
    for (const field of definition.fields ?? [])
      if (field.directives?.some((directive) => directive.name.value === 'identityFree'))
        fields.push(`${definition.name.value}.${field.name.value}`);
  }
  return fields.sort();
}

/** Every `Type.field` the operations select, on the subgraph's own schema (with `_entities`). */
export function selectedFields(sdl: DocumentNode, operations: readonly string[]): string[] {
  const schema = buildSubgraphSchema(sdl);
  const typeInfo = new TypeInfo(schema);
  const fields = new Set<string>();
  for (const operation of operations)
    visit(
      parse(operation),
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const parent = typeInfo.getParentType();
          if (parent && !node.name.value.startsWith('__')) fields.add(`${parent.name}.${node.name.value}`);
        },
      }),
    );
  return [...fields].sort();
}

/** One operation over HTTP as two different users of one role (the identities the gateway signs). */
export async function asTwoUsersOf(
  role: Role,
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<[GraphQLResponse, GraphQLResponse]> {
  const as = async (sub: string) =>
    graphql(url, query, variables, role, { [IDENTITY_HEADER]: await gatewayIdentity(role, sub) });
  return Promise.all([as(`first-${role}`), as(`second-${role}`)]);
}
