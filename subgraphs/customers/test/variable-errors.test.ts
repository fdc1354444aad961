import { describe, expect, it } from 'vitest';
import { ValidationError } from '#kit/errors.ts';
import { fieldOfVariableError } from '../src/validation/variable-errors-plugin.ts';
import { parseInput } from '../src/validation/parse-input.ts';
import { createCustomerInput } from '../src/customer/customer.validation.ts';

describe('field paths of bad input', () => {
  it('reads the field from graphql-js variable errors', () => {
    expect(
      fieldOfVariableError(
        'Variable "$input" got invalid value { a: 1 }; Field "foo" is not defined by type "CreateCustomerInput".',
      ),
    ).toBe('input.foo');
    expect(
      fieldOfVariableError(
        'Variable "$input" got invalid value { } at "input.address"; Field "postalCode" of required type "String!" was not provided.',
      ),
    ).toBe('input.address.postalCode');
    expect(
      fieldOfVariableError(
        'Variable "$input" got invalid value 5 at "input.lines[0].quantity"; Int cannot represent 5.5',
      ),
    ).toBe('input.lines.0.quantity');
    expect(fieldOfVariableError('Syntax Error: Unexpected Name "x".')).toBeUndefined();
  });

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
