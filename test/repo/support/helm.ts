import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));
export const CHART = `${root}deploy/helm/factory-floor`;

/** helm from .tools/bin (`go install helm.sh/helm/v3/cmd/helm@v3.22.0`, as .ci/run does) or the PATH. */
export const helmBinary = [`${root}.tools/bin/helm`, 'helm'].find((candidate) => {
  if (candidate.includes('/')) return existsSync(candidate);
  try {
    execFileSync(candidate, ['version', '--short'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

/** Runs helm; a failure throws with helm's own message. */
export function helm(args: string[]): string {
  try {
    return execFileSync(helmBinary!, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`helm ${args[0]} failed: ${stderr || stdout}`, { cause: error });
  }
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Probe {
  httpGet: { path: string; port: string | number };
}
export interface Container {
  command: string[];
  ports: { name: string; containerPort: number }[];
  env: EnvVar[];
  readinessProbe: Probe;
  livenessProbe: Probe;
  resources?: { requests?: object; limits?: object };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface Selector {
  matchLabels: Record<string, string>;
}
export type Manifest = { metadata: { name: string; annotations?: Record<string, string> } } & (
  | {
      kind: 'Deployment';
      spec: {
        replicas?: number;
        strategy?: { type: string };
        selector: Selector;
        template: {
          metadata: { labels: Record<string, string> };
          spec: { containers: Container[]; volumes?: { name: string; configMap?: { name: string } }[] };
        };
      };
    }
  | {
      kind: 'Service';
      spec: { selector: Record<string, string>; ports: { name: string; port: number; targetPort: string }[] };
    }
  | {
      kind: 'PodDisruptionBudget';
      spec: { selector: Selector; minAvailable?: number; maxUnavailable?: number };
    }
  | { kind: 'HorizontalPodAutoscaler'; spec: { scaleTargetRef: { kind: string; name: string } } }
  | { kind: 'ConfigMap'; data: Record<string, string> }
  | {
      kind: 'Ingress';
      spec: {
        rules: {
          http: { paths: { path: string; backend: { service: { name: string; port: { name: string } } } }[] };
        }[];
      };
    }
  | { kind: 'Secret' }
);
export type ManifestOf<K extends Manifest['kind']> = Extract<Manifest, { kind: K }>;

// --set splits on commas (a MongoDB seed list has them) unless escaped.
const setFlags = (values: Record<string, string>) =>
  Object.entries(values).flatMap(([key, value]) => [
    '--set-string',
    `${key}=${value.replaceAll(',', '\\,')}`,
  ]);

export const helmTemplate = (values: Record<string, string>) =>
  parseAllDocuments(helm(['template', 'ff', CHART, ...setFlags(values)]))
    .map((document) => document.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => Boolean(manifest));

export const helmLint = (values: Record<string, string>) =>
  helm(['lint', '--strict', CHART, ...setFlags(values)]);
