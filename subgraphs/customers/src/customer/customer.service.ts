import DataLoader from 'dataloader';
import { ConflictError, NotFoundError } from '#kit/errors.ts';
import { parseInput } from '../validation/parse-input.ts';
import type { Customer } from './customer.entity.ts';
import { checkCursor } from './customer.cursor.ts';
import type { CustomerRepository } from './customer.repository.ts';
import { StaleVersion } from './customer.repository.ts';
import {
  createCustomerInput,
  customerId,
  listCustomersArgs,
  updateCustomerInput,
} from './customer.validation.ts';

export interface CustomerPage {
  edges: { cursor: string; node: Customer }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

const isCustomerId = (id: string) => customerId.safeParse(id).success;

/** Customer use cases for one request: validation, batching, conflicts. */
export class CustomerService {
  readonly repository: CustomerRepository;
  /** Batches every lookup by id made in one tick (e.g. `_entities`) into one query. */
  readonly byId: DataLoader<string, Customer | null>;

  constructor(repository: CustomerRepository) {
    this.repository = repository;
    this.byId = new DataLoader(async (ids) => {
      const found = new Map((await repository.findByIds(ids)).map((customer) => [customer.id, customer]));
      return ids.map((id) => found.get(id) ?? null);
    });
  }

  /** A malformed id cannot name a customer: null, like an unknown one. */
  async get(id: string): Promise<Customer | null> {
    return isCustomerId(id) ? this.byId.load(id) : null;
  }

  async list(args: unknown): Promise<CustomerPage> {
    const { search, active, first, after } = parseInput(listCustomersArgs, args);
    const cursor = await this.repository.page(
      { search, active },
      first,
      after ? checkCursor(after) : undefined,
    );
    return {
      edges: cursor.items.map((node) => ({ cursor: cursor.from(node), node })),
      pageInfo: { hasNextPage: cursor.hasNextPage, endCursor: cursor.endCursor },
      totalCount: cursor.totalCount,
    };
  }

  async create(input: unknown): Promise<Customer> {
    const data = parseInput(createCustomerInput, input, 'input');
    return this.repository.insert(data);
  }

  async update(id: string, input: unknown): Promise<Customer> {
    const { version, ...changes } = parseInput(updateCustomerInput, input, 'input');
    const customer = await this.load(id);
    if (customer.version !== version) throw staleVersion(customer.version);
    // Only the fields given: an omitted field keeps its value, an explicit null clears it.
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    this.repository.assign(customer, defined);
    try {
      await this.repository.flush(changes.email);
    } catch (error) {
      if (!(error instanceof StaleVersion)) throw error;
      throw staleVersion(await this.repository.currentVersion(id));
    }
    return customer;
  }

  /** Archives: the customer stays readable for old orders. Archiving again changes nothing. */
  async archive(id: string): Promise<Customer> {
    const customer = await this.load(id);
    if (!customer.active) return customer;
    customer.active = false;
    await this.repository.flush();
    return customer;
  }

  private async load(id: string): Promise<Customer> {
    const customer = isCustomerId(id) ? await this.repository.findById(id) : null;
    if (!customer) throw new NotFoundError('Customer', id);
    return customer;
  }
}

const staleVersion = (currentVersion: number | undefined) =>
  new ConflictError(
    `input.version is stale: the customer was changed meanwhile and is now at version ${currentVersion}`,
    { field: 'input.version', currentVersion },
  );
