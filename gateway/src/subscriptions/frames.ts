import type { ExecutionResult } from 'graphql';

/** Where one client's events go: its socket and the id of its subscription there. */
export interface FrameSink {
  id: string;
  send(frame: string): void;
  /** Several frames at once, in one write to the socket where it can (events resolved together). */
  sendAll(frames: readonly string[]): void;
}

/** A result's JSON without its extensions (serialised once for a whole group), e.g. `{"data":{…}}`. */
export type EncodeResult = (result: ExecutionResult) => string;

export const encodeResult: EncodeResult = ({ data, errors }) =>
  JSON.stringify({ data: data ?? null, ...(errors?.length ? { errors } : {}) });

/**
 * What of a graphql-ws `next` message is one client's own (its subscription id and request id),
 * built once when it subscribes: per event only `head + payload + tail` is left to do, around a
 * payload encoded once for the whole group (openPayload).
 */
export interface FrameEnds {
  head: string;
  tail: string;
}

export const frameEnds = (id: string, requestId: string): FrameEnds => ({
  head: `{"id":${JSON.stringify(id)},"type":"next","payload":`,
  tail: `,"extensions":${JSON.stringify({ requestId })}}}`,
});

/** An encoded result without its closing brace, for the client's extensions to follow. */
export const openPayload = (body: string) => body.slice(0, -1);

/** One client's `next` frame around a body encoded once for the group. */
export const nextFrame = (ends: FrameEnds, open: string) => ends.head + open + ends.tail;
