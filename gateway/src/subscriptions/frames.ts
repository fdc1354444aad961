import type { ExecutionResult } from 'graphql';

/** Where one client's events go: its socket and the id of its subscription there. */
export interface FrameSink {
  id: string;
  send(frame: string): void;
}

/** A result's JSON without its extensions (serialised once for a whole group), e.g. `{"data":{…}}`. */
export type EncodeResult = (result: ExecutionResult) => string;

export const encodeResult: EncodeResult = ({ data, errors }) =>
  JSON.stringify({ data: data ?? null, ...(errors?.length ? { errors } : {}) });

/**
 * A graphql-ws `next` message for one client around a body encoded once for
 * the group: only the subscription id and this client's request id are its own.
 */
export function nextFrame(body: string, sink: FrameSink, requestId: string): string {
  return `{"id":${JSON.stringify(sink.id)},"type":"next","payload":${body.slice(0, -1)},"extensions":${JSON.stringify({ requestId })}}}`;
}
