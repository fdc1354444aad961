/**
 * Docker Compose's variable interpolation (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?message}`, `${VAR?message}`, `$$`), so the tests resolve the file as `docker compose` would.
 */
export class MissingVariableError extends Error {
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.variable = variable;
  }
}

const PATTERN = /\$(?:(\$)|([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\})/g;

export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(PATTERN, (_match, dollar, bare, name, operator, argument = '') => {
    if (dollar) return '$';
    const variable = (bare ?? name) as string;
    const value = env[variable];
    const unset = operator?.startsWith(':') ? !value : value === undefined;
    if (!unset) return value!;
    if (operator?.endsWith('?')) throw new MissingVariableError(variable, argument || 'required');
    if (operator?.endsWith('-')) return interpolate(argument, env);
    return '';
  });
}

/** Every variable `text` requires with `${VAR:?message}`. */
export const requiredVariables = (text: string) =>
  [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):\?/g)].map((match) => match[1]!);

/** Interpolates every string of a parsed YAML document. */
export function interpolateAll<T>(value: T, env: Record<string, string | undefined>): T {
  if (typeof value === 'string') return interpolate(value, env) as T;
  if (Array.isArray(value)) return value.map((item) => interpolateAll(item, env)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateAll(item, env)]),
    ) as T;
  return value;
}
