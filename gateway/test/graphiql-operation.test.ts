import { describe, expect, it } from 'vitest';
import { selectOperation } from '../graphiql/operation.ts';

const watchOrder = `# a comment first
subscription WatchOrder($number: String) { orderUpdated(number: $number) { number } }`;

describe('the operation GraphiQL runs', () => {
  it('runs the named operation when the document defines it', () => {
    const query = 'query A { factories { id } } mutation B { setRandomOrders(every: "off") { every } }';
    expect(selectOperation(query, 'B')).toEqual({ operationName: 'B', kind: 'mutation' });
  });

  it("ignores the previous tab's operation name, which the document does not define", () => {
    expect(selectOperation(watchOrder, 'ListFactories')).toEqual({
      operationName: 'WatchOrder',
      kind: 'subscription',
    });
  });

  it('sends no name for an anonymous operation', () => {
    expect(selectOperation('{ factories { id } }', 'ListFactories')).toEqual({
      operationName: undefined,
      kind: 'query',
    });
  });

  it('leaves a document that does not parse to the server', () => {
    expect(selectOperation('subscription {', 'X')).toEqual({ operationName: 'X', kind: undefined });
  });
});
