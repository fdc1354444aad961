import type { GraphQLDataSource, GraphQLDataSourceProcessOptions, ServiceMap } from '@apollo/gateway';
import type { GraphQLFormattedError } from 'graphql';

type Response = Awaited<ReturnType<GraphQLDataSource['process']>>;
type Call = {
  options: GraphQLDataSourceProcessOptions;
  /** Where each of this call's representations sits in the merged list. */
  slots: number[];
  resolve(response: Response): void;
  reject(error: unknown): void;
};
type Batch = { representations: unknown[]; slotOf: Map<string, number>; calls: Call[] };

const isIndex = (value: unknown): value is number => typeof value === 'number';

/** One caller's share of the merged answer: its entities, and the errors about them (re-indexed) or about all. */
function shareOf(response: Response, call: Call): Response {
  const entities = (response.data as { _entities?: unknown } | null | undefined)?._entities;
  if (!Array.isArray(entities)) return response; // the executor reports the malformed answer to each caller
  const errors = response.errors?.flatMap((error): GraphQLFormattedError[] => {
    const [head, index, ...rest] = error.path ?? [];
    if (head !== '_entities' || !isIndex(index)) return [error];
    return call.slots.flatMap((slot, mine) =>
      slot === index ? [{ ...error, path: [head, mine, ...rest] }] : [],
    );
  });
  const { errors: _all, ...rest } = response;
  return {
    ...rest,
    data: { ...response.data, _entities: call.slots.map((slot) => entities[slot]) },
    ...(errors?.length ? { errors } : {}),
  };
}

/**
 * The data sources for a batch of one group's events resolved together: the entity fetches the
 * events' plans make to one subgraph with the same operation in the same turn of the event loop go
 * as one request, its representations merged (the same entity asked once), and each event's plan
 * gets its own entities back. Only for one group: every call here is made as the same identity.
 */
export function batchEntityFetches(services: ServiceMap): ServiceMap {
  return Object.fromEntries(
    Object.entries(services).map(([name, service]) => {
      const batches = new Map<string, Batch>();
      const flush = (key: string) => {
        const batch = batches.get(key)!;
        batches.delete(key);
        const [first] = batch.calls;
        if (batch.calls.length === 1) {
          service.process(first!.options).then(first!.resolve, first!.reject);
          return;
        }
        const { request } = first!.options;
        const merged = {
          ...first!.options,
          request: {
            ...request,
            variables: { ...request.variables, representations: batch.representations },
          },
        };
        service.process(merged).then(
          (response) => batch.calls.forEach((call) => call.resolve(shareOf(response, call))),
          (error: unknown) => batch.calls.forEach((call) => call.reject(error)),
        );
      };
      const batched: GraphQLDataSource = {
        process(options) {
          const { representations, ...others } = options.request.variables ?? {};
          if (!Array.isArray(representations)) return service.process(options);
          const key = JSON.stringify([options.request.query, options.request.operationName ?? null, others]);
          let batch = batches.get(key);
          if (!batch) {
            batch = { representations: [], slotOf: new Map(), calls: [] };
            batches.set(key, batch);
            // After every plan of the batch has reached this fetch: their steps up to it are promise
            // jobs, and a tick queued from one runs once they are all done, before any I/O.
            process.nextTick(() => flush(key));
          }
          const { slotOf, representations: all } = batch;
          const slots = representations.map((representation: unknown) => {
            const text = JSON.stringify(representation);
            let slot = slotOf.get(text);
            if (slot === undefined) slotOf.set(text, (slot = all.push(representation) - 1));
            return slot;
          });
          return new Promise<Response>((resolve, reject) =>
            batch.calls.push({ options, slots, resolve, reject }),
          );
        },
      };
      return [name, batched];
    }),
  );
}
