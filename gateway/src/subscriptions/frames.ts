import type { ExecutionResult } from 'graphql';

/** Where one client's events go: its socket and the id of its subscription there. */
export interface FrameSink {
  id: string;
  send(frame: Buffer): void;
  /** Several frames at once, in one write to the socket where it can (events resolved together). */
  sendAll(frames: readonly Buffer[]): void;
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
  head: Buffer;
  tail: Buffer;
}

export const frameEnds = (id: string, requestId: string): FrameEnds => ({
  head: Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`),
  tail: Buffer.from(`,"extensions":${JSON.stringify({ requestId })}}}`),
});

/** An encoded result without its closing brace, for the client's extensions to follow (UTF-8, once per group). */
export const openPayload = (body: string) => Buffer.from(body.slice(0, -1));

/**
 * One client's `next` message around a body encoded once for the group, as a whole WebSocket text
 * frame (RFC 6455: FIN, opcode 1, unmasked from a server), ready for one write to its socket.
 */
export function nextFrame(ends: FrameEnds, open: Buffer): Buffer {
  const length = ends.head.length + open.length + ends.tail.length;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  ends.head.copy(frame, header);
  open.copy(frame, header + ends.head.length);
  ends.tail.copy(frame, header + ends.head.length + open.length);
  return frame;
}

/** The message inside a frame made by nextFrame (its header skipped). */
export const frameBody = (frame: Buffer): Buffer =>
  frame.subarray(frame[1] === 126 ? 4 : frame[1] === 127 ? 10 : 2);
