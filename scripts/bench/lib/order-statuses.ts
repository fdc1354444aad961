import pg from 'pg';

const CHANNEL = 'orders_order_updated';

/**
 * Watches every order's status changes on one LISTEN connection (the orders
 * service's NOTIFY: one order's snapshot, or an array of them per batch), so
 * completion is seen without polling the database per order.
 */
export async function listenForStatuses(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const completeAt = new Map<string, number>();
  let waiting: (() => void) | undefined;
  client.on('notification', (message) => {
    if (message.channel !== CHANNEL || !message.payload) return;
    const parsed = JSON.parse(message.payload) as
      { number: string; status: string } | { number: string; status: string }[];
    const at = performance.timeOrigin + performance.now();
    for (const order of Array.isArray(parsed) ? parsed : [parsed]) {
      if (order.status === 'COMPLETE' && !completeAt.has(order.number)) completeAt.set(order.number, at);
    }
    waiting?.();
  });
  await client.query(`LISTEN ${CHANNEL}`);
  return {
    /** When each order's COMPLETE was heard (epoch ms). */
    completeAt,
    /** Resolves when every one of `numbers` is COMPLETE, or after `timeoutMs`. */
    async untilComplete(numbers: readonly string[], timeoutMs: number): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (numbers.some((number) => !completeAt.has(number)) && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          waiting = resolve;
          setTimeout(resolve, 1000);
        });
      }
    },
    close: () => client.end(),
  };
}
