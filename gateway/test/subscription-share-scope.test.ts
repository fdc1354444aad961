/**
 * The hub's grouping rule on its own: an operation's events are shared by the subscribers of one
 * role only when every field it selects is declared @identityFree by the subgraph resolving it;
 * anything else keeps a group per identity.
 */
import { describe, expect, it } from 'vitest';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { buildSupergraphView } from '../src/subscriptions/planner.ts';
import { shareScopeOf } from '../src/subscriptions/share-scope.ts';
import { view } from './hub-fixtures.ts';

const scopeOf = (operation: string) => view.shareScope(parse(operation));

describe('share scope on our supergraph', () => {
  it('shares an operation whose every field is declared identity-free', () => {
    expect(
      scopeOf('subscription { orderUpdated { number status history { status at } customer { name } } }'),
    ).toBe('role');
    expect(scopeOf('subscription { orderUpdated { __typename number customer { __typename id } } }')).toBe(
      'role',
    );
  });

  it('keeps a group per identity for any field not declared, wherever it is selected', () => {
    expect(scopeOf('subscription { orderUpdated { number customer { name phone } } }')).toBe('identity');
    expect(scopeOf('subscription { orderUpdated { number lines { id } } }')).toBe('identity');
    expect(scopeOf('subscription { orderUpdated { customer { orders { totalCount } } } }')).toBe('identity');
    expect(
      scopeOf(
        'subscription { orderUpdated { ...F } } fragment F on Order { number customer { ... on Customer { phone } } }',
      ),
    ).toBe('identity');
  });

  it('keeps the answer per operation document (a checked document is shared by its clients)', () => {
    const document = parse('subscription { orderUpdated { number lines { id } } }');
    expect(view.shareScope(document)).toBe('identity');
    expect(view.shareScope(document)).toBe('identity');
  });
});

const head = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@composeDirective"])
  @link(url: "https://factory-floor.dev/sharing/v1.0", import: ["@identityFree"])
  @composeDirective(name: "@identityFree")
directive @identityFree on FIELD_DEFINITION
`;
const compose = (a: string, b: string) => {
  const result = composeServices([
    { name: 'a', url: 'http://a.invalid', typeDefs: parse(head + a) },
    { name: 'b', url: 'http://b.invalid', typeDefs: parse(head + b) },
  ]);
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return buildSupergraphView(result.supergraphSdl).supergraphSchema;
};

describe('share scope on composed directives', () => {
  it('does not trust a @shareable field one subgraph declares and another resolves too; a key field it does', () => {
    const supergraph = compose(
      `type Query { t: T @identityFree }
       type T @key(fields: "id") { id: ID! @identityFree label: String @shareable @identityFree }`,
      `type T @key(fields: "id") { id: ID! @identityFree label: String @shareable }`,
    );
    expect(shareScopeOf(supergraph, parse('{ t { id } }'))).toBe('role');
    expect(shareScopeOf(supergraph, parse('{ t { id label } }'))).toBe('identity');
  });

  it('shares an interface field only if every implementation declares it', () => {
    const supergraph = compose(
      `type Query { things: [Thing!]! @identityFree }
       interface Thing { name: String! @identityFree }
       type Box implements Thing @key(fields: "id") { id: ID! name: String! @identityFree }
       type Bag implements Thing @key(fields: "id") { id: ID! name: String! }`,
      `type Query { other: Int }`,
    );
    expect(shareScopeOf(supergraph, parse('{ things { __typename } }'))).toBe('role');
    expect(shareScopeOf(supergraph, parse('{ things { name } }'))).toBe('identity');
    expect(shareScopeOf(supergraph, parse('{ things { ... on Box { name } } }'))).toBe('role');
  });
});
