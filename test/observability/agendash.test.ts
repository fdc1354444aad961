import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENDASH_IDENTITY_COOKIE } from '#kit/agendash.ts';
import { IDENTITY_HEADER } from '#kit/service-token.ts';
import { gatewayIdentity } from '#kit/testing/tokens.ts';
import { startSupergraph, type Supergraph } from '../support/stack.ts';

describe('Agendash on orders and each factory', () => {
  let stack: Supergraph;
  let pages: Record<string, string>;
  beforeAll(async () => {
    stack = await startSupergraph({ orders: { RANDOM_ORDERS_EVERY: '1 hour' } });
    pages = {
      orders: `${stack.orders.http.url}/admin/agendash`,
      widgets: `${stack.factory.http.url}/admin/agendash/widgets`,
      gizmos: `${stack.factory.http.url}/admin/agendash/gizmos`,
    };
  });
  afterAll(async () => stack?.close());

  it('refuses a caller without an identity (401), a viewer and an operator (403)', async () => {
    for (const page of Object.values(pages)) {
      const none = await fetch(`${page}/api`);
      expect(none.status, page).toBe(401);
      expect(none.headers.get('www-authenticate')).toContain(IDENTITY_HEADER);
      for (const role of ['viewer', 'operator'] as const) {
        const refused = await fetch(`${page}/api`, {
          headers: { [IDENTITY_HEADER]: await gatewayIdentity(role) },
        });
        expect(refused.status, `${page} as ${role}`).toBe(403);
        expect(await refused.json()).toMatchObject({ code: 'FORBIDDEN' });
        const asCookie = await fetch(`${page}/`, {
          headers: { cookie: `${AGENDASH_IDENTITY_COOKIE}=${await gatewayIdentity(role)}` },
        });
        expect(asCookie.status).toBe(403);
      }
      const forged = await fetch(`${page}/api`, { headers: { [IDENTITY_HEADER]: 'not.a.token' } });
      expect(forged.status).toBe(401);
    }
  });

  it("shows an admin the page and the jobs: orders' random-order job, a factory's own queue", async () => {
    const admin = { [IDENTITY_HEADER]: await gatewayIdentity('admin') };
    const page = await fetch(`${pages.orders}/`, {
      headers: { cookie: `${AGENDASH_IDENTITY_COOKIE}=${admin[IDENTITY_HEADER]}` },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    const orders = await fetch(`${pages.orders}/api`, { headers: admin });
    expect(orders.status).toBe(200);
    const body = (await orders.json()) as { overview: { displayName: string; total: number }[] };
    expect(body.overview.map((row) => row.displayName)).toContain('orders:random-order');
    for (const factory of ['widgets', 'gizmos']) {
      const jobs = await fetch(`${pages[factory]}/api`, { headers: admin });
      expect(jobs.status, factory).toBe(200);
      const listed = (await jobs.json()) as { overview: { displayName: string }[] };
      expect(listed.overview.map((row) => row.displayName)).not.toContain('orders:random-order');
    }
  });
});
