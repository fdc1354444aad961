import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';

type CacheHint = { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' };
type Restrictable = { restrict(hint: CacheHint): void };

/**
 * A subgraph's `Cache-Control` narrows what the gateway's response may be
 * cached for, as RemoteGraphQLDataSource applies it: no `max-age`, no caching;
 * `private` makes the whole response private.
 */
export function restrictCachePolicy(
  requestContext: Pick<GatewayGraphQLRequestContext, 'overallCachePolicy'>,
  header: string | undefined,
): void {
  const policy = requestContext.overallCachePolicy as Partial<Restrictable> | undefined;
  if (!policy || typeof policy.restrict !== 'function') return;
  const directives = new Map<string, string | true>();
  for (const part of (header ?? '').trim().split(/\s*,\s*/)) {
    if (!part) continue;
    const [key, value] = part.split(/\s*=\s*/, 2);
    directives.set(key!.toLowerCase(), value === undefined ? true : value.replace(/^"|"$/g, ''));
  }
  const maxAge = directives.get('max-age');
  const hint: CacheHint = { maxAge: typeof maxAge === 'string' && /^[0-9]+$/.test(maxAge) ? +maxAge : 0 };
  if (directives.get('private') === true) hint.scope = 'PRIVATE';
  if (directives.get('public') === true) hint.scope = 'PUBLIC';
  policy.restrict(hint);
}
