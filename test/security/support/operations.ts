import { readFileSync } from 'node:fs';
import {
  Kind,
  parse,
  print,
  type ConstDirectiveNode,
  type DefinitionNode,
  type InputObjectTypeDefinitionNode,
  type TypeNode,
} from 'graphql';

/** One public root field of the supergraph, as a runnable operation with placeholder arguments. */
export interface RootOperation {
  kind: 'query' | 'mutation' | 'subscription';
  field: string;
  /** The subgraph that owns the field (from @join__field). */
  subgraph: string;
  query: string;
  variables: Record<string, unknown>;
}

const SUPERGRAPH = new URL('../../../schema/supergraph.graphql', import.meta.url);
const SCALAR_PLACEHOLDERS: Record<string, unknown> = {
  ID: '00000000-0000-4000-8000-000000000000',
  String: 'matrix',
  Int: 1,
  Float: 1,
  // false: an admin's setRandomOrders must not switch the generator on during the test.
  Boolean: false,
  DateTime: '2026-01-01T00:00:00Z',
  JSON: {},
};

const named = (type: TypeNode): string =>
  type.kind === Kind.NAMED_TYPE ? type.name.value : named(type.type);
const directive = (directives: readonly ConstDirectiveNode[] | undefined, name: string) =>
  directives?.find((node) => node.name.value === name);

/**
 * Every query, mutation and subscription field of schema/supergraph.graphql
 * that the public API has (not @inaccessible), so an operation added later
 * joins the authorization matrix by itself.
 */
export function rootOperations(): RootOperation[] {
  const definitions = parse(readFileSync(SUPERGRAPH, 'utf8')).definitions;
  const byName = new Map<string, DefinitionNode>();
  for (const definition of definitions) {
    if ('name' in definition && definition.name) byName.set(definition.name.value, definition);
  }
  const placeholder = (type: TypeNode): unknown => {
    if (type.kind === Kind.LIST_TYPE) return [placeholder(type.type)];
    if (type.kind === Kind.NON_NULL_TYPE) return placeholder(type.type);
    const name = type.name.value;
    if (name in SCALAR_PLACEHOLDERS) return SCALAR_PLACEHOLDERS[name];
    const definition = byName.get(name);
    if (definition?.kind === Kind.ENUM_TYPE_DEFINITION) return definition.values![0]!.name.value;
    const input = definition as InputObjectTypeDefinitionNode;
    return Object.fromEntries(
      (input.fields ?? [])
        .filter((field) => field.type.kind === Kind.NON_NULL_TYPE && !field.defaultValue)
        .map((field) => [field.name.value, placeholder(field.type)]),
    );
  };
  const selection = (type: TypeNode) => {
    const definition = byName.get(named(type));
    return definition?.kind === Kind.OBJECT_TYPE_DEFINITION ||
      definition?.kind === Kind.INTERFACE_TYPE_DEFINITION ||
      definition?.kind === Kind.UNION_TYPE_DEFINITION
      ? ' { __typename }'
      : '';
  };

  const operations: RootOperation[] = [];
  for (const kind of ['query', 'mutation', 'subscription'] as const) {
    const root = byName.get(kind[0]!.toUpperCase() + kind.slice(1));
    if (root?.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    for (const field of root.fields ?? []) {
      if (directive(field.directives, 'inaccessible')) continue;
      // A field without @join__field belongs to its type's only subgraph (Subscription: orders).
      const joined = directive(field.directives, 'join__field') ?? directive(root.directives, 'join__type');
      const graph = joined?.arguments?.find((argument) => argument.name.value === 'graph')?.value;
      const subgraph = graph?.kind === Kind.ENUM ? graph.value.toLowerCase() : 'unknown';
      const required = (field.arguments ?? []).filter(
        (argument) => argument.type.kind === Kind.NON_NULL_TYPE && !argument.defaultValue,
      );
      const declarations = required.map((argument) => `$${argument.name.value}: ${print(argument.type)}`);
      const args = required.map((argument) => `${argument.name.value}: $${argument.name.value}`);
      operations.push({
        kind,
        field: field.name.value,
        subgraph,
        query: `${kind} Matrix${declarations.length ? `(${declarations.join(', ')})` : ''} { ${field.name.value}${
          args.length ? `(${args.join(', ')})` : ''
        }${selection(field.type)} }`,
        variables: Object.fromEntries(
          required.map((argument) => [argument.name.value, placeholder(argument.type)]),
        ),
      });
    }
  }
  return operations;
}
