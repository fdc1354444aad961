import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { ProductionQueue } from '../src/production/production-queue.ts';

describe('ProductionQueue', () => {
  it('keeps orders oldest first and each once, however often they are added', () => {
    const [a, b, c] = [new ObjectId(), new ObjectId(), new ObjectId()];
    const queue = new ProductionQueue();
    queue.add([a, b]);
    queue.add([new ObjectId(b.toHexString()), c, a]); // the sweep adds back what is stored
    expect(queue.size).toBe(3);
    const seen: string[] = [];
    for (let next = queue.peek(); next; next = queue.peek()) {
      seen.push(next.toHexString());
      queue.shift();
    }
    expect(seen).toEqual([a, b, c].map((id) => id.toHexString()));
    expect(queue.size).toBe(0);
  });

  it('takes an order again once it left the queue, and stays in order after compacting', () => {
    const queue = new ProductionQueue();
    const ids = Array.from({ length: 3000 }, () => new ObjectId());
    queue.add(ids);
    for (let index = 0; index < 2500; index++) queue.shift();
    expect(queue.peek()?.toHexString()).toBe(ids[2500]!.toHexString());
    queue.add([ids[0]!]);
    expect(queue.size).toBe(501);
  });
});
