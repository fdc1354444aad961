import { describe, expect, it } from 'vitest';
import { ValidationError } from '#kit/errors.ts';
import { parseInput } from '../src/validation/parse-input.ts';
import { createCustomerInput } from '../src/customer/customer.validation.ts';

describe('customer input parsing', () => {
  it('names unknown keys in service input (callers that skip GraphQL, like the seed)', () => {
    const call = () =>
      parseInput(createCustomerInput, { name: 'Ada', email: 'ada@example.com', shoeSize: 9 }, 'input');
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(expect.objectContaining({ field: 'input.shoeSize' }));
  });

  it('normalises what it accepts', () => {
    expect(
      parseInput(createCustomerInput, {
        name: ' Ada ',
        email: ' ada@example.com ',
        phone: '+1 (415) 555-0100',
        address: { line1: 'a', line2: '  ', city: 'b', postalCode: '94107', country: 'us' },
      }),
    ).toEqual({
      name: 'Ada',
      email: 'ada@example.com',
      phone: '+14155550100',
      address: { line1: 'a', line2: null, city: 'b', postalCode: '94107', country: 'US' },
    });
  });
});
