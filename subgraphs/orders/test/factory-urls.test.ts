import { describe, expect, it } from 'vitest';
import { factoryUrlOf, loadOrdersConfig } from '../src/config.ts';

describe("orders' factory addresses", () => {
  it('sends each factory to FACTORY_URL_<FACTORY> when set, else to FACTORY_URL', () => {
    const config = loadOrdersConfig({
      FACTORY_URL: 'http://factory:4003/graphql',
      FACTORY_URL_WIDGETS: 'http://widgets:4103/graphql',
    });
    expect(factoryUrlOf(config, 'widgets')).toBe('http://widgets:4103/graphql');
    expect(factoryUrlOf(config, 'gadgets')).toBe('http://factory:4003/graphql');
    expect(factoryUrlOf(config, 'gizmos')).toBe('http://factory:4003/graphql');
  });

  it('refuses a malformed per-factory address at start-up, naming the variable', () => {
    expect(() => loadOrdersConfig({ FACTORY_URL_GIZMOS: 'not a url' })).toThrow(/FACTORY_URL_GIZMOS/);
  });
});
