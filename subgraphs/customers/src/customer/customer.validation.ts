import { z } from 'zod';
import { COUNTRY_CODES } from '../validation/country-codes.ts';

// Control characters (NUL above all: PostgreSQL refuses it in text) never belong in a name or address.
const CONTROL = /\p{Cc}/u;
const printable = (schema: z.ZodString) =>
  schema.refine((value) => !CONTROL.test(value), 'must not contain control characters');

const text = (max: number) =>
  printable(z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`));

export const customerName = text(200);

export const customerEmail = z
  .string()
  .trim()
  .max(320, 'must be at most 320 characters')
  .pipe(z.email('must be a valid email address'));

/** E.164 once spaces, dots, hyphens and parentheses are dropped: "+44 20 7946 0958" is stored as "+442079460958". */
export const customerPhone = z
  .string()
  .transform((value) => value.replace(/[\s().-]/g, ''))
  .pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an international number like +44 20 7946 0958'));

export const addressInput = z.strictObject({
  line1: text(200),
  line2: printable(z.string().trim().max(200, 'must be at most 200 characters'))
    .nullish()
    .transform((value) => value || null),
  city: text(100),
  postalCode: text(16).pipe(
    z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 -]*$/, 'may hold only letters, digits, spaces and hyphens'),
  ),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .refine((code) => COUNTRY_CODES.has(code), 'must be an ISO 3166-1 alpha-2 code like GB or US'),
});

export const createCustomerInput = z.strictObject({
  name: customerName,
  email: customerEmail,
  phone: customerPhone.nullish().transform((value) => value ?? null),
  address: addressInput.nullish().transform((value) => value ?? null),
});

/** Omitted fields stay as they are; `phone: null` or `address: null` clears them. */
export const updateCustomerInput = z.strictObject({
  version: z.number().int().min(1, 'must be a version you read (1 or more)'),
  name: customerName.optional(),
  email: customerEmail.optional(),
  phone: customerPhone.nullish(),
  address: addressInput.nullish(),
  active: z.boolean().optional(),
});

export const customerId = z.guid('must be a customer id (a UUID)');

export const MAX_PAGE_SIZE = 100;

export const listCustomersArgs = z.strictObject({
  search: z.string().trim().max(200, 'must be at most 200 characters').nullish(),
  active: z.boolean().nullish(),
  first: z
    .number()
    .int()
    .min(0, 'must not be negative')
    .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`),
  after: z.string().max(200, 'is not a cursor from this list').nullish(),
});

export type CreateCustomerInput = z.output<typeof createCustomerInput>;
export type UpdateCustomerInput = z.output<typeof updateCustomerInput>;
export type ListCustomersArgs = z.output<typeof listCustomersArgs>;
