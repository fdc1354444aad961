import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const logOneLine = `import { createLogger } from './packages/kit/src/logger.ts';
createLogger('orders', 'info').info({ order: 'ORD-000001' }, 'order placed');`;
const node = (terminal: boolean) => {
  const command = `${process.execPath} --input-type=module -e "${logOneLine.replaceAll('"', '\\"')}"`;
  // `script` gives the child a pseudo-terminal as stdout, as a person's shell would.
  const run = terminal
    ? spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 20_000 })
    : spawnSync('sh', ['-c', command], { encoding: 'utf8', timeout: 20_000 });
  expect(run.status).toBe(0);
  return run.stdout.trim();
};

describe('service logs', () => {
  it('are JSON lines when stdout is not a terminal', () => {
    const line = JSON.parse(node(false)) as Record<string, unknown>;
    expect(line).toMatchObject({ service: 'orders', order: 'ORD-000001', msg: 'order placed', level: 30 });
  });

  it('are readable lines on a terminal', () => {
    // eslint-disable-next-line no-control-regex
    const text = node(true).replace(/\u001b\[[0-9;]*m/g, '');
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(orders\): order placed/);
    expect(text).toContain('order: "ORD-000001"');
    expect(() => JSON.parse(text)).toThrow();
  });
});
