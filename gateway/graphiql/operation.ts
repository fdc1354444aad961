import { Kind, parse, type OperationDefinitionNode } from 'graphql';

export interface SelectedOperation {
  operationName: string | undefined;
  kind: OperationDefinitionNode['operation'] | undefined;
}

/**
 * The operation GraphiQL should run from the editor's text. GraphiQL can
 * hand us the previous tab's operation name for ~100 ms after a tab switch
 * (its operation facts are updated on a debounce); a name the document does
 * not define is stale, so the document's first operation runs instead.
 */
export function selectOperation(query: string, operationName?: string | null): SelectedOperation {
  let operations: OperationDefinitionNode[];
  try {
    operations = parse(query).definitions.filter(
      (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
    );
  } catch {
    // Let the server report the syntax error.
    return { operationName: operationName ?? undefined, kind: undefined };
  }
  const chosen = operations.find((operation) => operation.name?.value === operationName) ?? operations[0];
  return { operationName: chosen?.name?.value, kind: chosen?.operation };
}
