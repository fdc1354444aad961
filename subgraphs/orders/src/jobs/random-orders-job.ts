import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '#kit/logger.ts';
import type { CustomerLookup } from '#clients/customers-client.ts';
import { placeOrder } from '../order/place-order.ts';
import { claimDueRun } from '../random-orders/random-order-settings.repository.ts';
import { randomLines } from '../random-orders/random-order.ts';

export interface RandomOrdersDeps {
  orm: MikroORM;
  customers: CustomerLookup;
  logger: Logger;
  /** Called after an order is placed, to schedule it without waiting for the next poll. */
  onPlaced?: () => void;
}

/** One pass: if the recurring run is due (and this process won it), place an AUTOMATED order through placeOrder. */
export function randomOrdersPass(deps: RandomOrdersDeps) {
  return async (): Promise<boolean> => {
    if (!(await claimDueRun(deps.orm.em.fork()))) return false;
    const customerIds = await deps.customers.listActiveCustomerIds(100);
    if (customerIds.length === 0) {
      deps.logger.info('no active customer: random order skipped');
      return false;
    }
    const customerId = customerIds[Math.floor(Math.random() * customerIds.length)]!;
    const order = await placeOrder(deps.orm.em.fork(), deps.customers, {
      customerId,
      lines: randomLines(),
      source: 'AUTOMATED',
    });
    deps.logger.info({ order: order.number }, 'random order placed');
    deps.onPlaced?.();
    return false;
  };
}
