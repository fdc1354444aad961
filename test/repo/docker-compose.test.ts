import { describe, expect, it } from 'vitest';
import { MissingVariableError } from './support/interpolate.ts';
import { operatorEnv, rawServices, repoFile, resolveCompose } from './support/compose-file.ts';
import {
  ADDRESS_TARGETS,
  addressesOf,
  defaultPort,
  programOf,
  resolveConfig,
  secretsOf,
  variablesOf,
  type Program,
} from './support/service-configs.ts';

// Docker cannot run here, so the compose file is resolved as `docker compose` would and checked against the code.
const services = resolveCompose();
const programs = Object.entries(services).flatMap(([name, service]) => {
  const program = programOf(service.command);
  return program ? [{ name, program, config: resolveConfig(program, service.environment ?? {}) }] : [];
});
const roleOf = (name: string): Program | 'postgres' | 'mongo' | undefined => {
  const service = services[name];
  if (!service) return undefined;
  if (service.image?.startsWith('postgres:')) return 'postgres';
  if (service.image?.startsWith('mongo:')) return 'mongo';
  return programOf(service.command);
};
const argAfter = (args: string[] | undefined, flag: string) => args?.[args.indexOf(flag) + 1];
/** The port a service of the file listens on, as its own configuration says. */
function listensOn(name: string): number | undefined {
  const role = roleOf(name);
  if (role === 'postgres') return 5432;
  if (role === 'mongo') return Number(argAfter(services[name]!.command, '--port') ?? 27017);
  return programs.find((entry) => entry.name === name)?.config.PORT as number | undefined;
}

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, MongoDB and each of the four programs from its entry point', () => {
    expect(Object.keys(services).map(roleOf).sort()).toEqual(
      ['customers', 'factory', 'gateway', 'mongo', 'orders', 'postgres'].sort(),
    );
    for (const { program } of programs)
      expect(repoFile(services[program]!.command!.at(-1)!)).toContain('closeOnSignals');
  });

  it('binds every program to all interfaces of its container, and publishes only the gateway', () => {
    for (const { name, config } of programs) expect(config.HOST, name).toBe('0.0.0.0');
    expect(repoFile('Dockerfile')).toMatch(/^ENV .*\bHOST=0\.0\.0\.0\b/m);
    const published = Object.entries(services).filter(([, service]) => service.ports?.length);
    expect(published.map(([name]) => name)).toEqual(['gateway']);
    expect(services.gateway!.ports![0]!.split(':').at(-1)).toBe(String(listensOn('gateway')));
  });

  it('points every address a program calls at a service of the file, on the port that service listens on', () => {
    const checked: string[] = [];
    for (const { name, config } of programs) {
      for (const { variable, url } of addressesOf(config)) {
        const expected = ADDRESS_TARGETS[variable];
        expect(expected, `${name} ${variable} is an address the test does not know`).toBeDefined();
        expect(Object.keys(services), `${name} ${variable}=${url.href}`).toContain(url.hostname);
        expect(roleOf(url.hostname), `${name} ${variable}`).toBe(expected!.target);
        expect(defaultPort(url), `${name} ${variable}=${url.href}`).toBe(listensOn(url.hostname));
        if (expected!.path) expect(url.pathname, `${name} ${variable}`).toBe(expected!.path);
        checked.push(`${name}.${variable}`);
      }
    }
    // The addresses the issue found missing are among those checked.
    expect(checked).toEqual(
      expect.arrayContaining([
        'orders.CUSTOMERS_URL',
        'orders.FACTORY_URL',
        'factory.ORDERS_WEBHOOK_URL',
        'gateway.CUSTOMERS_URL',
        'gateway.ORDERS_URL',
        'gateway.FACTORY_URL',
        'customers.DATABASE_URL',
        'orders.DATABASE_URL',
        'orders.MONGODB_URL',
        'factory.MONGODB_URL',
      ]),
    );
  });

  it('runs MongoDB as a single-node replica set that the services connect to as one', () => {
    const mongo = services.mongo!;
    const set = argAfter(mongo.command, '--replSet');
    expect(set).toBeTruthy();
    const init = mongo.healthcheck!.test.join(' ');
    expect(init).toContain('rs.initiate');
    expect(init).toContain(`_id: '${set}'`);
    // The member's name is what a driver that discovers the set connects to: it must resolve in the network.
    expect(init).toContain(`host: 'mongo:${listensOn('mongo')}'`);
    for (const { name, config } of programs) {
      if (typeof config.MONGODB_URL !== 'string' || !('MONGODB_URL' in (services[name]!.environment ?? {})))
        continue;
      const params = new URL(config.MONGODB_URL).searchParams;
      expect(params.get('replicaSet') === set || params.get('directConnection') === 'true', name).toBe(true);
    }
  });

  it('sets only variables that the program reads', () => {
    for (const { name, program } of programs) {
      const known = variablesOf(program);
      const set = Object.keys(services[name]!.environment ?? {});
      expect(
        set.filter((variable) => !known.includes(variable)),
        name,
      ).toEqual([]);
    }
  });

  it('requires every secret from the operator (no default, no value in the file)', () => {
    for (const { name, program } of programs) {
      for (const secret of secretsOf(program)) {
        const written = String(rawServices[name]!.environment?.[secret] ?? '');
        const required = [...written.matchAll(/\$\{(\w+):\?/g)].map((match) => match[1]!);
        expect(required, `${name} ${secret} must be \${VAR:?message}`).not.toEqual([]);
        for (const variable of required) {
          expect(services[name]!.environment![secret], `${name} ${secret}`).toContain(operatorEnv[variable]);
          expect(() => resolveCompose({ ...operatorEnv, [variable]: undefined })).toThrow(
            MissingVariableError,
          );
          expect(() => resolveCompose({ ...operatorEnv, [variable]: '' })).toThrow(variable);
        }
      }
    }
  });

  it('checks each program is ready before what needs it starts', () => {
    for (const { name, config } of programs) {
      expect(services[name]!.healthcheck!.test.join(' '), name).toMatch(/127\.0\.0\.1:.*PORT.*\/ready/);
      expect(services[name]!.environment!.PORT, name).toBe(config.PORT);
      for (const { url } of addressesOf(config)) {
        const target = roleOf(url.hostname);
        // Databases and, for the gateway, every subgraph; orders and the factory call each other, so they retry.
        if (target === 'postgres' || target === 'mongo' || name === 'gateway')
          expect(services[name]!.depends_on?.[url.hostname]?.condition, `${name} → ${url.hostname}`).toBe(
            'service_healthy',
          );
      }
    }
    for (const [name, service] of Object.entries(services))
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {}))
        if (condition === 'service_healthy')
          expect(services[target]!.healthcheck, `${name} → ${target}`).toBeDefined();
  });
});

describe('deploy/compose.env.example', () => {
  it('lists every variable the compose file requires', () => {
    const listed = repoFile('deploy/compose.env.example')
      .split('\n')
      .map((line) => /^#?\s*([A-Z][A-Z0-9_]*)=/.exec(line)?.[1]);
    expect(Object.keys(operatorEnv).filter((name) => !listed.includes(name))).toEqual([]);
  });
});
