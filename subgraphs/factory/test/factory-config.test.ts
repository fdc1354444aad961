import { describe, expect, it } from 'vitest';
import { ConfigError } from '#kit/config.ts';
import { loadFactoryConfig, servedFactoriesOf } from '../src/config.ts';

describe('which factories a process runs and serves', () => {
  it('runs all three by default and serves nothing read-only', () => {
    const config = loadFactoryConfig({});
    expect(config.FACTORIES).toEqual(['widgets', 'gadgets', 'gizmos']);
    expect(config.READ_FACTORIES).toEqual([]);
  });

  it('may run none when it serves reads, each factory once', () => {
    const config = loadFactoryConfig({ FACTORIES: 'gizmos', READ_FACTORIES: 'widgets,gizmos' });
    expect(servedFactoriesOf(config)).toEqual(['gizmos', 'widgets']);
    expect(loadFactoryConfig({ FACTORIES: '', READ_FACTORIES: 'gadgets' }).FACTORIES).toEqual([]);
  });

  it('refuses a process that would serve no factory, or an unknown one, naming the variable', () => {
    const refusal = (source: Record<string, string>) => {
      try {
        loadFactoryConfig(source);
      } catch (error) {
        if (error instanceof ConfigError) return error.message;
        throw error;
      }
      return 'accepted';
    };
    expect(refusal({ FACTORIES: '' })).toMatch(/FACTORIES: names no factory/);
    expect(refusal({ FACTORIES: '', READ_FACTORIES: ' , ' })).toMatch(/FACTORIES: names no factory/);
    expect(refusal({ READ_FACTORIES: 'widgets,doodads' })).toMatch(/READ_FACTORIES/);
  });
});
