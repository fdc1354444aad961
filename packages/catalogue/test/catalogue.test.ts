import { describe, expect, it } from 'vitest';
import { ValidationError } from '#kit/errors.ts';
import {
  FACTORY_FOR_PRODUCT,
  PRODUCT_KINDS,
  PRODUCTS,
  complexity,
  productionSeconds,
  resolveAttributes,
  validateQuantity,
} from '#catalogue/index.ts';

const fieldOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).field;
  }
  throw new Error('expected a ValidationError');
};

describe('catalogue', () => {
  it('gives every product its own factory and at least two attributes with valid defaults', () => {
    expect(new Set(PRODUCT_KINDS.map((kind) => FACTORY_FOR_PRODUCT[kind])).size).toBe(3);
    for (const kind of PRODUCT_KINDS) {
      expect(PRODUCTS[kind].attributes.length).toBeGreaterThanOrEqual(2);
      expect(() => resolveAttributes(kind, undefined, 'lines.0')).not.toThrow();
    }
  });

  it('fills in defaults and keeps overrides', () => {
    expect(resolveAttributes('WIDGET', { color: 'red' }, 'lines.0')).toEqual({
      color: 'red',
      size: 3,
      polished: false,
    });
    expect(resolveAttributes('GIZMO', null, 'lines.0')).toEqual({ material: 'steel', gearCount: 8 });
  });

  it.each([
    ['an unknown attribute', 'WIDGET', { colour: 'red' }, 'lines.2.attributes.colour'],
    ['a wrong type', 'WIDGET', { size: 'big' }, 'lines.2.attributes.size'],
    ['a float where an int is wanted', 'GIZMO', { gearCount: 2.5 }, 'lines.2.attributes.gearCount'],
    ['a value not allowed', 'GADGET', { connectivity: 'zigbee' }, 'lines.2.attributes.connectivity'],
    ['a number not allowed', 'GADGET', { voltage: 110 }, 'lines.2.attributes.voltage'],
    ['a value below the range', 'WIDGET', { size: 0 }, 'lines.2.attributes.size'],
    ['a value above the range', 'GADGET', { batteryHours: 49.5 }, 'lines.2.attributes.batteryHours'],
    ['a string for a boolean', 'WIDGET', { polished: 'yes' }, 'lines.2.attributes.polished'],
    ['attributes that are not an object', 'WIDGET', ['red'], 'lines.2.attributes'],
    ['attributes that are a string', 'GIZMO', 'steel', 'lines.2.attributes'],
  ])('rejects %s naming the field', (_what, kind, overrides, field) => {
    expect(fieldOf(() => resolveAttributes(kind as never, overrides, 'lines.2'))).toBe(field);
  });

  it.each([0, -1, 1001, 2.5, Number.NaN])('rejects quantity %s', (quantity) => {
    expect(fieldOf(() => validateQuantity(quantity, 'lines.1'))).toBe('lines.1.quantity');
  });

  it('accepts quantities 1 and 1000', () => {
    expect(() => validateQuantity(1, 'lines.0')).not.toThrow();
    expect(() => validateQuantity(1000, 'lines.0')).not.toThrow();
  });

  it('computes production time as baseSeconds × quantity × complexity', () => {
    const defaults = resolveAttributes('WIDGET', {}, 'x');
    expect(complexity('WIDGET', defaults)).toBe(1);
    expect(productionSeconds('WIDGET', 10, defaults)).toBe(20);
    // color custom +0.1, size 5 is 2 units from 3 at +0.05 each: 1 × (1 + 0.1 + 0.1) = 1.2
    const custom = resolveAttributes('WIDGET', { color: 'red', size: 5 }, 'x');
    expect(complexity('WIDGET', custom)).toBe(1.2);
    expect(productionSeconds('WIDGET', 10, custom)).toBe(24);
    // gizmo: base 2, titanium +0.3 → 2.6; 8 s × 3 × 2.6
    expect(productionSeconds('GIZMO', 3, { material: 'titanium', gearCount: 8 })).toBe(62.4);
  });
});
