import { Agenda, InMemoryNotificationChannel } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';

export interface AgendaOptions {
  /** The database holding the job collection. */
  db: Db;
  /** Shown as lastModifiedBy on jobs this instance touches. */
  name: string;
  collection?: string;
  /** Polling interval in ms: a job saved by another process starts up to this much later. */
  processEveryMs?: number;
  maxConcurrency?: number;
  /** How long a worker may hold a job before another worker takes it over (worker presumed dead). */
  lockLifetimeMs?: number;
  /** Run jobs saved by this process at once instead of at the next poll (default true). */
  inProcessNotifications?: boolean;
}

/**
 * An Agenda 6 instance on the MongoDB backend, configured the same way for
 * every service. Define jobs, then `start()`; stop it with `drainAgenda`.
 */
export function createAgenda(options: AgendaOptions): Agenda {
  return new Agenda({
    backend: new MongoBackend({ mongo: options.db, collection: options.collection ?? 'agendaJobs' }),
    name: options.name,
    processEvery: options.processEveryMs ?? 1000,
    maxConcurrency: options.maxConcurrency ?? 20,
    defaultLockLifetime: options.lockLifetimeMs ?? 60_000,
    ...(options.inProcessNotifications === false
      ? {}
      : { notificationChannel: new InMemoryNotificationChannel() }),
  });
}

/**
 * Stops taking new jobs and waits for running ones (SIGTERM). `stop()` would
 * instead unlock running jobs for other workers to re-run from the start.
 */
export async function drainAgenda(agenda: Agenda, timeoutMs = 10_000): Promise<void> {
  if (!agenda.isActiveJobProcessor()) return;
  await agenda.drain({ timeout: timeoutMs });
}
