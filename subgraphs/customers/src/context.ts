import type { EntityManager } from '@mikro-orm/postgresql';
import type { Identity } from '#kit/auth.ts';
import type { CustomerService } from './customer/customer.service.ts';

/** What every resolver of this subgraph receives. */
export interface Context {
  identity?: Identity | undefined;
  /** A fork of the entity manager for this request. */
  em: EntityManager;
  /** Customer use cases over `em`, with this request's DataLoader. */
  customers: CustomerService;
}
