import { describe, expect, it } from 'vitest';
import { fieldOfVariableError } from '../src/variable-errors-plugin.ts';

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
});
