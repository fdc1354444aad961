import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { BSON } from 'mongodb';

const OP_MSG = 2013;
/** The array of documents each write command carries, in its body or as a document sequence. */
const WRITTEN: Record<string, string> = { insert: 'documents', update: 'updates', delete: 'deletes' };

export interface WireCounts {
  /** Commands by name (insert, update, find, ...). */
  commands: Map<string, number>;
  /** Documents written, by command: inserted documents, update and delete statements. */
  written: Map<string, number>;
  /** Commands by name and collection (`update production_orders`), to tell whose they are. */
  byCollection: Map<string, number>;
}

/**
 * A TCP proxy in front of a MongoDB-wire server that counts what passes from its clients: each
 * OP_MSG command by name, and the statements of each write (`insert` documents, `update` and
 * `delete` statements), so a benchmark can give round trips and document writes per job.
 */
export async function countingProxy(upstreamUrl: string) {
  const upstream = new URL(upstreamUrl);
  const counts: WireCounts = { commands: new Map(), written: new Map(), byCollection: new Map() };
  const add = (map: Map<string, number>, key: string, by: number) => map.set(key, (map.get(key) ?? 0) + by);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const server = connect(Number(upstream.port), upstream.hostname);
    sockets.add(client).add(server);
    let pending: Buffer = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 16 && pending.length >= pending.readInt32LE(0)) {
        const length = pending.readInt32LE(0);
        if (pending.readInt32LE(12) === OP_MSG) count(pending.subarray(0, length));
        pending = pending.subarray(length);
      }
      server.write(chunk);
    });
    server.on('data', (chunk) => client.write(chunk));
    const close = () => (client.destroy(), server.destroy(), sockets.delete(client), sockets.delete(server));
    client.on('close', close).on('error', close);
    server.on('close', close).on('error', close);
  });
  function count(message: Buffer) {
    let name = '';
    let collection = '';
    let statements = 0;
    for (let at = 20; at < message.length;) {
      const kind = message[at]!;
      const size = message.readInt32LE(at + 1);
      if (kind === 0) {
        const body = BSON.deserialize(message.subarray(at + 1, at + 1 + size));
        name = Object.keys(body)[0] ?? '';
        if (typeof body[name] === 'string') collection = body[name] as string;
        const listed = body[WRITTEN[name] ?? ''] as unknown;
        if (Array.isArray(listed)) statements += listed.length;
        at += 1 + size;
      } else {
        // A document sequence: its size, an identifier, then documents until the end.
        const end = at + 1 + size;
        let doc = message.indexOf(0, at + 5) + 1;
        while (doc < end) {
          statements++;
          doc += message.readInt32LE(doc);
        }
        at = end;
      }
    }
    add(counts.commands, name, 1);
    add(counts.byCollection, collection ? `${name} ${collection}` : name, 1);
    if (WRITTEN[name]) add(counts.written, name, statements);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `mongodb://127.0.0.1:${port}/`,
    counts,
    /** A copy of the counts so far, to subtract from later ones. */
    snapshot: (): WireCounts => ({
      commands: new Map(counts.commands),
      written: new Map(counts.written),
      byCollection: new Map(counts.byCollection),
    }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** `after - before`, per job: the commands and document writes a job cost, in one line. */
export function perJob(before: WireCounts, after: WireCounts, jobs: number) {
  const per = (map: Map<string, number>, base: Map<string, number>) =>
    [...map].map(([key, value]) => [key, (value - (base.get(key) ?? 0)) / Math.max(1, jobs)] as const);
  const total = (entries: (readonly [string, number])[]) =>
    entries.reduce((sum, [, value]) => sum + value, 0);
  const commands = per(after.commands, before.commands);
  const written = per(after.written, before.written);
  const top = (entries: (readonly [string, number])[]) =>
    entries
      .filter(([, value]) => value >= 0.005)
      .sort((a, b) => b[1] - a[1])
      .map(([key, value]) => `${key} ${value.toFixed(2)}`)
      .join(', ');
  return {
    commands: +total(commands).toFixed(2),
    written: +total(written).toFixed(2),
    detail: `${top(commands)}; writes ${written.map(([key, value]) => `${key} ${value.toFixed(2)}`).join(', ')}`,
    byCollection: top(per(after.byCollection, before.byCollection)),
  };
}
