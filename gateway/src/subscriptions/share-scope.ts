import {
  Kind,
  TypeInfo,
  isAbstractType,
  isUnionType,
  visit,
  visitWithTypeInfo,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLField,
  type GraphQLSchema,
  type GraphQLObjectType,
  type GraphQLInterfaceType,
} from 'graphql';
import type { GatewayContext } from '../context.ts';

/** The directive a subgraph puts on a field whose answer depends on the caller's role at most. */
export const IDENTITY_FREE = 'identityFree';

/**
 * Who may share one resolution of an event: each identity (user and role) its own, or everyone
 * of one role, when every field the operation selects is declared `@identityFree`.
 */
export type ShareScope = 'identity' | 'role';

/** The key of the subscribers who share a group (and an upstream socket) under a scope. */
export const scopeKey = (scope: ShareScope, context: GatewayContext) =>
  scope === 'role'
    ? JSON.stringify({ role: context.identity.role })
    : JSON.stringify([context.identity.sub, context.identity.role]);

const directives = (field: GraphQLField<unknown, unknown>): readonly ConstDirectiveNode[] =>
  field.astNode?.directives ?? [];

const argument = (directive: ConstDirectiveNode, name: string) =>
  directive.arguments?.find((arg) => arg.name.value === name)?.value;

/** The top-level field names of a key's field set, e.g. `id` and `org` of "id org { id }". */
const keyFieldNames = (fields: string) => {
  const names: string[] = [];
  let depth = 0;
  for (const token of fields.match(/[{}]|[_A-Za-z][_0-9A-Za-z]*/g) ?? []) {
    if (token === '{') depth++;
    else if (token === '}') depth--;
    else if (depth === 0) names.push(token);
  }
  return names;
};

/**
 * Whether the supergraph promises this field's answer does not depend on who asks. Composition
 * keeps a composed directive if any subgraph has it, so a field several subgraphs resolve
 * (@shareable) could carry it from one while another's answer depends on the user: such a field
 * counts only if it is a key of its type (the entity's own reference, the same from each).
 */
function declared(type: GraphQLObjectType | GraphQLInterfaceType, name: string): boolean {
  const field = type.getFields()[name];
  if (!field || !directives(field).some((d) => d.name.value === IDENTITY_FREE)) return false;
  const external = (d: ConstDirectiveNode) => {
    const value = argument(d, 'external');
    return value?.kind === Kind.BOOLEAN && value.value;
  };
  const resolvedBy = directives(field).filter(
    (d) => d.name.value === 'join__field' && argument(d, 'graph') !== undefined && !external(d),
  );
  if (resolvedBy.length === 1) return true;
  const joins = type.astNode?.directives?.filter((d) => d.name.value === 'join__type') ?? [];
  if (resolvedBy.length === 0 && joins.length <= 1) return true;
  return joins.some((join) => {
    const key = argument(join, 'key');
    return key?.kind === Kind.STRING && keyFieldNames(key.value).includes(name);
  });
}

/**
 * The widest scope an operation's result may be shared in: `role` only if every field it selects
 * (in every fragment, on every type an abstract field may return) is declared identity-free in the
 * supergraph; anything undeclared keeps per-identity groups. Checked on the supergraph's schema,
 * where composed directives stay (the API schema drops them).
 */
export function shareScopeOf(supergraph: GraphQLSchema, document: DocumentNode): ShareScope {
  const typeInfo = new TypeInfo(supergraph);
  let shared = true;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (node.name.value.startsWith('__')) return; // __typename: the same for everyone
        const parent = typeInfo.getParentType();
        // A field of an interface is answered by whichever implementation: each must promise it too.
        const types = !parent
          ? []
          : isAbstractType(parent)
            ? [parent, ...supergraph.getPossibleTypes(parent)]
            : [parent];
        if (
          types.length === 0 ||
          !types.every((type) => !isUnionType(type) && declared(type, node.name.value))
        )
          shared = false;
      },
    }),
  );
  return shared ? 'role' : 'identity';
}
