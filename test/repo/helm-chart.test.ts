import { describe, expect, it } from 'vitest';
import { helmBinary, helmLint, helmTemplate, type Manifest, type ManifestOf } from './support/helm.ts';
import { repoFile } from './support/compose-file.ts';
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

// A production install's values: external databases (a MongoDB replica set) and an operator's Secret.
const VALUES = {
  existingSecret: 'floor-secrets',
  'postgres.url': 'postgres://floor@pg.databases.svc:5432/factory_floor',
  'mongodb.url': 'mongodb://mongo-0.mongo:27017,mongo-1.mongo:27017/?replicaSet=rs0',
  'ingress.enabled': 'true',
};
const EXTERNAL = { postgres: VALUES['postgres.url'], mongo: VALUES['mongodb.url'] };
/** Variables a factory pod sets only to build FACTORY_BOOTSTRAP_CLIENT from ($(VAR) expansion). */
const HELPERS: Partial<Record<Program, string[]>> = {
  factory: ['FACTORY_CLIENT_NAME', 'FACTORY_CLIENT_SECRET'],
};
const secretValue = (key: string) => `${key.toLowerCase()}-from-the-secret-0123456789abcdef`;

// With it, gateways of two workers each (GATEWAY_WORKERS), so that value is loaded as the gateway would.
const PER_PROCESS = { ...VALUES, 'factories.perProcess': 'true', 'gateway.workers': '2' };

/** The chart rendered with `values`, each Deployment with the configuration its program would resolve. */
function renderChart(values: Record<string, string>) {
  const manifests = helmBinary ? helmTemplate(values) : [];
  const all = <K extends Manifest['kind']>(kind: K) =>
    manifests.filter((manifest): manifest is ManifestOf<K> => manifest.kind === kind);
  const deployments = all('Deployment').map((deployment) => {
    const container = deployment.spec.template.spec.containers[0]!;
    const program = programOf(container.command)!;
    // What the kubelet gives the process: values, Secret keys, and $(VAR) references to earlier entries.
    const env: Record<string, string> = {};
    for (const { name, value, valueFrom } of container.env)
      env[name] = valueFrom?.secretKeyRef
        ? secretValue(valueFrom.secretKeyRef.key)
        : value!.replace(/\$\((\w+)\)/g, (_match, variable: string) => env[variable] ?? `$(${variable})`);
    return { deployment, container, program, env, config: resolveConfig(program, env) };
  });
  const serviceFor = (name: string) => all('Service').find((service) => service.metadata.name === name);
  const deploymentBehind = (service: ManifestOf<'Service'>) =>
    deployments.find(({ deployment }) =>
      Object.entries(service.spec.selector).every(
        ([label, value]) => deployment.spec.template.metadata.labels[label] === value,
      ),
    );
  const named = (name: string) => deployments.find(({ deployment }) => deployment.metadata.name === name)!;
  const autoscaled = () =>
    all('HorizontalPodAutoscaler')
      .map((hpa) => hpa.spec.scaleTargetRef.name)
      .sort();
  return { manifests, all, deployments, serviceFor, deploymentBehind, named, autoscaled };
}

describe.skipIf(!helmBinary)('deploy/helm/factory-floor, every factory in one Deployment', () => {
  const { all, deployments, autoscaled } = renderChart(VALUES);

  it('lints, and refuses to render without the operator Secret or the databases', () => {
    expect(helmLint(VALUES)).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(() => helmTemplate({ ...VALUES, existingSecret: '' })).toThrow(/existingSecret/);
    expect(() => helmTemplate({ ...VALUES, 'postgres.url': '' })).toThrow(/postgres\.url/);
    expect(() => helmTemplate({ ...VALUES, 'mongodb.url': '' })).toThrow(/mongodb\.url/);
  });

  it('runs each program in its own Deployment, the factories in one that is never scaled', () => {
    expect(deployments.map(({ program }) => program).sort()).toEqual([
      'customers',
      'factory',
      'gateway',
      'orders',
    ]);
    const factory = deployments.find(({ program }) => program === 'factory')!;
    expect(factory.config.FACTORIES).toEqual(['widgets', 'gadgets', 'gizmos']);
    expect(factory.deployment.spec.replicas).toBe(1);
    expect(autoscaled()).toEqual([
      'ff-factory-floor-customers',
      'ff-factory-floor-gateway',
      'ff-factory-floor-orders',
    ]);
    for (const { deployment, container } of deployments) {
      expect(container.resources?.requests, deployment.metadata.name).toBeDefined();
      expect(container.resources?.limits, deployment.metadata.name).toBeDefined();
      const labels = deployment.spec.selector.matchLabels;
      const budget = all('PodDisruptionBudget').find((pdb) =>
        Object.entries(pdb.spec.selector.matchLabels).every(([label, value]) => labels[label] === value),
      );
      expect(budget, `PodDisruptionBudget for ${deployment.metadata.name}`).toBeDefined();
    }
  });
});

describe.skipIf(!helmBinary)('deploy/helm/factory-floor, a Deployment per factory', () => {
  const { deployments, named, autoscaled } = renderChart(PER_PROCESS);

  it('runs each factory alone in a Deployment that is never scaled, and its reads in one that is', () => {
    for (const id of ['widgets', 'gadgets', 'gizmos']) {
      const { deployment, config } = named(`ff-factory-floor-factory-${id}`);
      expect(config.FACTORIES, id).toEqual([id]);
      expect(config.READ_FACTORIES, id).toEqual([]);
      expect(deployment.spec.replicas, id).toBe(1);
      expect(deployment.spec.strategy, id).toEqual({ type: 'Recreate' });
    }
    const api = named('ff-factory-floor-factory');
    expect(api.config.FACTORIES).toEqual([]);
    expect(api.config.READ_FACTORIES).toEqual(['widgets', 'gadgets', 'gizmos']);
    expect(api.config.FACTORY_BOOTSTRAP_CLIENT).toBe('off');
    expect(autoscaled()).toEqual([
      'ff-factory-floor-customers',
      'ff-factory-floor-factory',
      'ff-factory-floor-gateway',
      'ff-factory-floor-orders',
    ]);
    expect(deployments.filter(({ program }) => program === 'factory')).toHaveLength(4);
  });
});

describe.skipIf(!helmBinary).each([
  ['every factory in one Deployment', VALUES],
  ['a Deployment per factory', PER_PROCESS],
])('deploy/helm/factory-floor, %s', (_shape, values) => {
  const { manifests, all, deployments, serviceFor, deploymentBehind } = renderChart(values);

  it('sets every variable each program requires, each secret from the operator Secret, and nothing else', () => {
    for (const { deployment, container, program, config, env } of deployments) {
      const name = deployment.metadata.name;
      expect(config.NODE_ENV, name).toBe('production'); // so resolveConfig refused any development secret
      expect(config.HOST, name).toBe('0.0.0.0');
      const scope = { FACTORIES: env.FACTORIES, READ_FACTORIES: env.READ_FACTORIES };
      for (const secret of secretsOf(program, scope)) {
        const entry = container.env.find((variable) => variable.name === secret);
        if (secret === 'FACTORY_BOOTSTRAP_CLIENT') {
          // A process that runs no factory (the read-only factory API) registers no client.
          const runsNone = (config.FACTORIES as string[]).length === 0;
          expect(entry?.value, name).toBe(
            runsNone ? 'off' : '$(FACTORY_CLIENT_NAME):$(FACTORY_CLIENT_SECRET)',
          );
          continue;
        }
        expect(entry?.valueFrom?.secretKeyRef, `${name} ${secret}`).toEqual({
          name: 'floor-secrets',
          key: secret,
        });
      }
      const known = [...variablesOf(program), ...(HELPERS[program] ?? [])];
      const set = container.env.map((variable) => variable.name);
      expect(
        set.filter((variable) => !known.includes(variable)),
        name,
      ).toEqual([]);
    }
    expect(manifests.filter((manifest) => manifest.kind === 'Secret')).toEqual([]);
  });

  it('points every address at a Service running the right program on the port it listens on', () => {
    const checked: string[] = [];
    for (const { deployment, program, config } of deployments) {
      // A process that runs no factory sends no completion webhooks: its ORDERS_WEBHOOK_URL is unused.
      const runsNone = program === 'factory' && (config.FACTORIES as string[]).length === 0;
      for (const { variable, value, url } of addressesOf(config)) {
        if (runsNone && variable === 'ORDERS_WEBHOOK_URL') continue;
        const expected = ADDRESS_TARGETS[variable]!;
        const where = `${deployment.metadata.name} ${variable}=${url.href}`;
        expect(expected, where).toBeDefined();
        if (expected.target === 'postgres' || expected.target === 'mongo') {
          expect(value, where).toBe(EXTERNAL[expected.target]);
        } else {
          const service = serviceFor(url.hostname);
          expect(service, where).toBeDefined();
          const target = deploymentBehind(service!)!;
          expect(target.program, where).toBe(expected.target);
          const servicePort = service!.spec.ports.find((port) => port.port === defaultPort(url));
          expect(servicePort, where).toBeDefined();
          const containerPort = target.container.ports.find((port) => port.name === servicePort!.targetPort);
          expect(containerPort?.containerPort, where).toBe(target.config.PORT);
          expect(url.pathname, where).toBe(expected.path);
          const config = target.config as { FACTORIES?: string[]; READ_FACTORIES?: string[] };
          if (expected.runs) expect(config.FACTORIES, where).toEqual(expected.runs);
          if (expected.reads)
            expect([...(config.FACTORIES ?? []), ...(config.READ_FACTORIES ?? [])], where).toEqual(
              expect.arrayContaining(expected.reads),
            );
        }
        checked.push(`${program}.${variable}`);
      }
    }
    const perFactory = values === PER_PROCESS ? ['WIDGETS', 'GADGETS', 'GIZMOS'] : [];
    expect([...new Set(checked)].sort()).toEqual(
      [
        ...perFactory.map((id) => `orders.FACTORY_URL_${id}`),
        'customers.DATABASE_URL',
        'factory.MONGODB_URL',
        'factory.ORDERS_WEBHOOK_URL',
        'gateway.CUSTOMERS_URL',
        'gateway.FACTORY_URL',
        'gateway.ORDERS_URL',
        'orders.CUSTOMERS_URL',
        'orders.DATABASE_URL',
        'orders.FACTORY_URL',
        'orders.MONGODB_URL',
      ].sort(),
    );
  });

  it('probes /ready and /health on the port each program listens on, paths the code serves', () => {
    for (const file of ['packages/kit/src/subgraph-app.ts', 'gateway/src/http-routes.ts'])
      for (const path of ['/ready', '/health']) expect(repoFile(file), file).toContain(`app.get('${path}'`);
    for (const { deployment, container, config } of deployments) {
      const port = container.ports.find(
        (candidate) => candidate.name === container.readinessProbe.httpGet.port,
      );
      expect(port?.containerPort, deployment.metadata.name).toBe(config.PORT);
      expect(container.readinessProbe.httpGet.path).toBe('/ready');
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: port!.name });
    }
  });

  it('serves the composed supergraph from a ConfigMap, and carries WebSockets through the Ingress', () => {
    const gateway = deployments.find(({ program }) => program === 'gateway')!;
    const mount = gateway.container.volumeMounts!.find((volume) =>
      String(gateway.config.SUPERGRAPH_PATH).startsWith(`${volume.mountPath}/`),
    )!;
    const volume = gateway.deployment.spec.template.spec.volumes!.find(
      (candidate) => candidate.name === mount.name,
    )!;
    const configMap = all('ConfigMap').find(
      (candidate) => candidate.metadata.name === volume.configMap?.name,
    )!;
    const file = String(gateway.config.SUPERGRAPH_PATH).slice(mount.mountPath.length + 1);
    expect(configMap.data[file]!.trim()).toBe(repoFile('schema/supergraph.graphql').trim());

    const [ingress] = all('Ingress');
    const backend = ingress!.spec.rules[0]!.http.paths[0]!.backend.service;
    expect(deploymentBehind(serviceFor(backend.name)!)?.program).toBe('gateway');
    expect(
      Number(ingress!.metadata.annotations!['nginx.ingress.kubernetes.io/proxy-read-timeout']),
    ).toBeGreaterThan(60);
  });
});

if (!helmBinary)
  console.warn(
    'helm is not installed: the Helm chart test is skipped. Install it with ' +
      '`GOBIN=$PWD/.tools/bin go install helm.sh/helm/v3/cmd/helm@v3.22.0` (as .ci/run does).',
  );
