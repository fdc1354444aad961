import type { Writable } from 'node:stream';
import * as ws from 'ws';
import { describe, expect, it } from 'vitest';
import { frameEnds, nextFrame, openPayload } from '../src/subscriptions/frames.ts';

// ws's frame parser, as a client runs it (exported by ws, not typed by @types/ws).
const { Receiver } = ws as unknown as { Receiver: new (options: { isServer: boolean }) => Writable };

/** The messages ws's own parser (a client's side) reads from these bytes. */
const parsed = (bytes: Buffer) =>
  new Promise<{ text: string; binary: boolean }[]>((resolve, reject) => {
    const messages: { text: string; binary: boolean }[] = [];
    const receiver = new Receiver({ isServer: false });
    receiver.on('message', (data: Buffer, binary: boolean) => messages.push({ text: String(data), binary }));
    receiver.on('error', reject);
    receiver.write(bytes, () => resolve(messages));
  });

describe('a next frame built around a payload encoded once', () => {
  // Lengths on each side of the header's three forms: 7 bits, 16 bits (126), 64 bits (127).
  it.each([10, 200, 70_000])(
    'is one text frame ws reads back whole (%i characters of data)',
    async (size) => {
      const ends = frameEnds('sub-1', 'req-é');
      const body = JSON.stringify({ data: { orderUpdated: { note: 'ü'.repeat(size) } } });
      const frame = nextFrame(ends, openPayload(body));
      const [message, ...rest] = await parsed(Buffer.concat([frame, frame]));
      expect(rest).toHaveLength(1);
      expect(message!.binary).toBe(false);
      expect(JSON.parse(message!.text)).toEqual({
        id: 'sub-1',
        type: 'next',
        payload: { ...JSON.parse(body), extensions: { requestId: 'req-é' } },
      });
    },
  );
});
