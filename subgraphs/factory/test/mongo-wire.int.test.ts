import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MongoClient, MongoServerError, type Db } from 'mongodb';
import type { Agenda } from 'agenda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgenda, drainAgenda } from '#kit/agenda.ts';
import { mongoDatabaseName, mongoUrl } from '#kit/testing/databases.ts';
import { waitFor } from './support/wait.ts';

// Proof that the run's MongoDB-wire server (FerretDB unless MONGODB_URL says otherwise)
// does what the factories need, through the official driver and Agenda 6.
let mongo: MongoClient;
let db: Db;

beforeAll(async () => {
  mongo = await new MongoClient(mongoUrl()).connect();
  db = mongo.db(mongoDatabaseName('wire'));
});
afterAll(async () => {
  await db.dropDatabase().catch(() => {});
  await mongo.close();
});

describe('official driver on the Mongo-wire server', () => {
  it('inserts and finds with a compound sort, a filter and a limit', async () => {
    const items = db.collection('items');
    await items.insertMany([
      { status: 'QUEUED', queuedAt: new Date(3000), n: 1 },
      { status: 'DONE', queuedAt: new Date(1000), n: 2 },
      { status: 'QUEUED', queuedAt: new Date(1000), n: 3 },
      { status: 'QUEUED', queuedAt: new Date(1000), n: 4 },
    ]);
    const found = await items.find({ status: 'QUEUED' }).sort({ queuedAt: 1, n: -1 }).limit(2).toArray();
    expect(found.map((doc) => doc.n)).toEqual([4, 3]);
  });

  it('reads two cursors of one query interleaved, and the same statements again after an error', async () => {
    // FerretDB keeps a statement's compiled form per connection (tools/ferretdb): a second cursor
    // of the same query, opened while the first is read, and an insert after a duplicate key error
    // must each behave as if compiled anew.
    const items = db.collection<{ _id: number }>('interleaved');
    await items.insertMany(Array.from({ length: 50 }, (_, n) => ({ _id: n })));
    const first = items.find({}).batchSize(10);
    const second = items.find({}).batchSize(10);
    const seen: number[][] = [[], []];
    for (let round = 0; round < 50; round++) {
      seen[0]!.push((await first.next())!._id);
      seen[1]!.push((await second.next())!._id);
    }
    expect(seen[0]!.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, n) => n));
    expect(seen[1]).toEqual(seen[0]);
    const duplicate = await items.insertOne({ _id: 7 }).catch((e: unknown) => e);
    expect((duplicate as MongoServerError).code).toBe(11000);
    await items.insertOne({ _id: 50 });
    await items.updateOne({ _id: 50 }, { $set: { again: true } });
    expect(await items.findOne({ _id: 50 })).toEqual({ _id: 50, again: true });
  });

  it('findOneAndUpdate applies a guarded transition once and returns the new document', async () => {
    const orders = db.collection('orders');
    const { insertedId } = await orders.insertOne({ status: 'IN_PRODUCTION', webhook: null });
    const transition = () =>
      orders.findOneAndUpdate(
        { _id: insertedId, status: 'IN_PRODUCTION' },
        { $set: { status: 'COMPLETED', webhook: { state: 'PENDING', attempts: 0 } }, $inc: { version: 1 } },
        { returnDocument: 'after' },
      );
    const first = await transition();
    expect(first).toMatchObject({ status: 'COMPLETED', version: 1, webhook: { state: 'PENDING' } });
    expect(await transition()).toBeNull();
  });

  it('aggregates counts by a field', async () => {
    const rows = await db
      .collection('items')
      .aggregate<{ _id: string; count: number }>([{ $group: { _id: '$status', count: { $sum: 1 } } }])
      .toArray();
    expect(Object.fromEntries(rows.map((row) => [row._id, row.count]))).toEqual({ QUEUED: 3, DONE: 1 });
  });

  it('enforces a unique index with duplicate-key error 11000', async () => {
    const clients = db.collection('clients');
    await clients.createIndex({ name: 1 }, { unique: true });
    await clients.insertOne({ name: 'orders' });
    const error = await clients.insertOne({ name: 'orders' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(11000);
  });

  it('enforces a compound unique index on the pair, not on each field', async () => {
    const lines = db.collection('lines');
    await lines.createIndex({ orderNumber: 1, lineId: 1 }, { unique: true });
    await lines.insertOne({ orderNumber: 'ORD-1', lineId: 'a' });
    await lines.insertOne({ orderNumber: 'ORD-1', lineId: 'b' });
    await lines.insertOne({ orderNumber: 'ORD-2', lineId: 'a' });
    const error = await lines.insertOne({ orderNumber: 'ORD-1', lineId: 'a' }).catch((e: unknown) => e);
    expect((error as MongoServerError).code).toBe(11000);
    expect(await lines.countDocuments()).toBe(3);
    const indexes = await lines.indexes();
    expect(indexes.find((index) => index.name === 'orderNumber_1_lineId_1')).toMatchObject({ unique: true });
  });
});

describe('Agenda 6 on the Mongo-wire server', () => {
  let agenda: Agenda;
  const runs: Record<string, Date[]> = {};
  const record = (name: string) => (runs[name] ??= []).push(new Date());

  beforeAll(async () => {
    agenda = createAgenda({ db, name: 'proof', processEveryMs: 100, lockLifetimeMs: 1500 });
    for (const name of ['once', 'later', 'repeat']) agenda.define(name, async () => void record(name));
    await agenda.start();
  });
  afterAll(async () => {
    await drainAgenda(agenda);
  });

  it('runs a one-off job once', async () => {
    await agenda.now('once', { n: 1 });
    await waitFor('the one-off job', () => runs.once?.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(runs.once).toHaveLength(1);
  });

  it('runs a job scheduled in the future no earlier than its time', async () => {
    const at = new Date(Date.now() + 1200);
    const job = await agenda.schedule(at, 'later', { n: 2 });
    expect(job.attrs.nextRunAt?.getTime()).toBe(at.getTime());
    await waitFor('the future job', () => runs.later?.length === 1);
    expect(runs.later![0]!.getTime()).toBeGreaterThanOrEqual(at.getTime());
  });

  it('runs a recurring job again and again', async () => {
    const job = await agenda.every(300, 'repeat');
    await waitFor('three runs of the recurring job', () => (runs.repeat?.length ?? 0) >= 3);
    await job.remove();
  });

  it('resumes a job whose worker died mid-run, once its lock expires', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/agenda-worker.ts', import.meta.url));
    const child = fork(fixture, [mongoUrl(), db.databaseName], { stdio: 'inherit' });
    const killed = new Promise((resolve) => child.once('exit', resolve));
    try {
      // Only the doomed worker knows `hang` until it is killed, so it takes the job.
      await new Promise((resolve) => child.once('message', resolve));
      await agenda.now('hang');
      await waitFor('the doomed worker to start the job', () =>
        db.collection('runs').findOne({ worker: 'doomed' }),
      );
    } finally {
      child.kill('SIGKILL');
      await killed;
    }
    const survivorAgenda = createAgenda({ db, name: 'survivor', processEveryMs: 100, lockLifetimeMs: 1500 });
    survivorAgenda.define('hang', async (job) => {
      await db
        .collection('runs')
        .insertOne({ job: String(job.attrs._id), worker: 'survivor', at: new Date() });
    });
    await survivorAgenda.start();
    const survivor = await waitFor('the survivor to resume the job', () =>
      db.collection('runs').findOne({ worker: 'survivor' }),
    );
    const doomed = await db.collection('runs').findOne({ worker: 'doomed' });
    expect(survivor.job).toBe(doomed!.job);
    await waitFor('the resumed job to finish', async () => {
      const { jobs } = await survivorAgenda.queryJobs({ name: 'hang' });
      return jobs[0]?.lastFinishedAt;
    });
    await drainAgenda(survivorAgenda);
    expect(await db.collection('runs').countDocuments()).toBe(2);
  });
});
