/** Who is signed in: the bearer token and what it claims (the gateway still checks every request). */
export type Role = 'viewer' | 'operator' | 'admin';
export interface Session {
  token: string;
  role: Role;
  sub: string;
  expiresAt: number;
}

const KEY = 'factory-floor.token';
const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

/** Reads the token's claims; null when it is not a JWT with a known role or has expired. */
export function sessionFromToken(token: string): Session | null {
  const payload = token.trim().split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as { role?: string; sub?: string; exp?: number };
    if (!ROLES.includes(claims.role as Role) || !claims.sub) return null;
    const expiresAt = (claims.exp ?? 0) * 1000;
    if (expiresAt <= Date.now()) return null;
    return { token: token.trim(), role: claims.role as Role, sub: claims.sub, expiresAt };
  } catch {
    return null;
  }
}

/** The tab's session survives a reload, not the closing of the tab. */
export const storedSession = () => sessionFromToken(sessionStorage.getItem(KEY) ?? '');
export const storeSession = (session: Session | null) =>
  session ? sessionStorage.setItem(KEY, session.token) : sessionStorage.removeItem(KEY);

/** An operator may write customers and orders; an admin also controls random orders. */
export const canWrite = (session: Session) => session.role !== 'viewer';
export const isAdmin = (session: Session) => session.role === 'admin';

/** What the gateway tells the page: whether one-click development sign-in is offered. */
export async function fetchConsoleConfig(): Promise<{ devSignIn: boolean }> {
  const response = await fetch('/console/config.json');
  if (!response.ok) return { devSignIn: false };
  return (await response.json()) as { devSignIn: boolean };
}

export async function fetchDevToken(role: Role): Promise<string> {
  const response = await fetch('/console/dev-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role }),
  });
  if (!response.ok) throw new Error(`The gateway refused a development token (${response.status})`);
  return ((await response.json()) as { token: string }).token;
}
