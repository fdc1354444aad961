import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const CustomerSchema = defineEntity({
  name: 'Customer',
  tableName: 'customer',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    name: p.string().length(200),
    email: p.string().length(320),
    phone: p.string().length(40).nullable(),
    address: p.json<Address>().nullable(),
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
    version: p.integer().version(),
  },
});

export interface Address {
  line1: string;
  line2?: string | null;
  city: string;
  postalCode: string;
  country: string;
}

export type Customer = InferEntity<typeof CustomerSchema>;
