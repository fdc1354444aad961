import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretCheckCount } from '../src/clients/secret-hash.ts';
import { DEFAULT_CHECK_LIMITS } from '../src/clients/check-limiter.ts';
import { basic, CLIENT, lineUuid, startTestFactory, submit } from './support/factory-fixture.ts';

let factory: Awaited<ReturnType<typeof startTestFactory>>;
beforeAll(async () => {
  factory = await startTestFactory(); // the three factories, the test client registered in each
});
afterAll(async () => factory?.service.close());

const FLOOR = '{ factories { id queued inProduction completed } }';
const post = (authorization: string, query = FLOOR) =>
  fetch(factory.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query }),
  });
let orderNumber = 0;
const goodSubmission = () =>
  submit(factory.url, 'widgets', {
    orderNumber: `ORD-LOGIN-${++orderNumber}`,
    lines: [{ lineId: lineUuid(`login-${orderNumber}`), product: 'WIDGET', quantity: 1 }],
  });

describe('HTTP Basic at the factory', () => {
  it('answers a wrong or malformed Basic header 401 with a Basic challenge, never as anonymous', async () => {
    for (const authorization of [
      'Basic bm9ib2R5Ondyb25ncGFzcw==', // nobody:wrongpass, from the issue: live counts were returned
      basic(CLIENT.name, 'not-the-secret'),
      'Basic !!!',
      'Basic',
    ]) {
      const response = await post(authorization);
      expect(response.status, authorization).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="factory", charset="UTF-8"');
      const body = (await response.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
      expect(body.data).toBeUndefined();
      expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('bounds what 40 bad logins cost: cached, single-flight and rate limited; a good client is not held up', async () => {
    expect((await goodSubmission()).errors).toBeUndefined(); // the good client's secret is now cached
    const before = secretCheckCount.value;
    // The same wrong secret 40 times: one scrypt per factory that knows the client, at most.
    const repeated = await Promise.all(
      Array.from({ length: 40 }, () => post(basic(CLIENT.name, 'same-wrong'))),
    );
    const repeatedStatuses = repeated.map((response) => response.status);
    expect(repeatedStatuses).toContain(401);
    expect(repeatedStatuses.every((status) => status === 401 || status === 429)).toBe(true);
    expect(secretCheckCount.value - before).toBeLessThanOrEqual(3);

    // 40 different wrong secrets at once, while the good client submits.
    const guesses = Array.from({ length: 40 }, (_, i) => post(basic(CLIENT.name, `guess-${i}`)));
    const started = performance.now();
    const good = await goodSubmission();
    const goodMs = performance.now() - started;
    const answers = await Promise.all(guesses);
    expect(good.errors).toBeUndefined();
    expect(goodMs).toBeLessThan(1000);
    console.info(`good submission during 40 bad logins: ${goodMs.toFixed(0)} ms`);

    const statuses = answers.map((response) => response.status);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    const limited = answers.filter((response) => response.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited[0]!.json()).toMatchObject({ errors: [{ extensions: { code: 'RATE_LIMITED' } }] });
    // Every scrypt this address caused, all tests included, within its allowance (one per factory per failed login).
    expect(secretCheckCount.value - before).toBeLessThanOrEqual(DEFAULT_CHECK_LIMITS.perAddress * 3);
  });

  it('keeps serving the cached good client after its address was rate limited', async () => {
    const before = secretCheckCount.value;
    expect((await goodSubmission()).errors).toBeUndefined();
    expect(secretCheckCount.value).toBe(before);
  });
});
