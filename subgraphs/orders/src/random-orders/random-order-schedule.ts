import { randomUUID } from 'node:crypto';
import type { Agenda } from 'agenda';
import { ValidationError } from '#kit/errors.ts';
import { sleep } from '#kit/sim-time.ts';
import { JOBS } from '../jobs/job-names.ts';
import { parseInterval } from './interval.ts';

/** What the random-order job carries besides Agenda's own schedule fields. */
export interface RandomOrderJobData {
  /** The interval as the admin wrote it (`30 seconds`), or `off` if none was ever set. */
  every: string;
  /** Changes with every settings write: part of each occurrence's idempotency key. */
  revision: string;
}

export interface RandomOrderSettings {
  enabled: boolean;
  every: string;
  nextRunAt: Date | null;
}

const OFF = 'off';

/** How often a settings write is made again when a running occurrence's save put the old settings back. */
const WRITE_ATTEMPTS = 5;
/** Long enough for a save that overlapped ours to have landed before we look. */
const SETTLE_MS = 50;

/**
 * The random-order settings live in the Agenda job itself (one `single`
 * job per database): enabled = not disabled, the interval is Agenda's
 * repeatInterval (in ms, so Agenda runs exactly what was validated), and
 * nextRunAt is Agenda's. So they survive restarts and every process sees them.
 */
export class RandomOrderSchedule {
  private readonly agenda: Agenda;

  constructor(agenda: Agenda) {
    this.agenda = agenda;
  }

  private async exists(): Promise<boolean> {
    const { total } = await this.agenda.queryJobs({
      name: JOBS.randomOrder,
      includeDisabled: true,
      limit: 1,
    });
    return total > 0;
  }

  /** The job as stored now (not as some worker locked it earlier). */
  async stored(): Promise<{ revision: string | undefined; nextRunAt: Date | null } | undefined> {
    const { jobs } = await this.agenda.queryJobs({ name: JOBS.randomOrder, includeDisabled: true });
    const attrs = jobs[0];
    if (!attrs) return undefined;
    const data = attrs.data as RandomOrderJobData | undefined;
    return { revision: data?.revision, nextRunAt: attrs.nextRunAt ? new Date(attrs.nextRunAt) : null };
  }

  async read(): Promise<RandomOrderSettings> {
    const { jobs } = await this.agenda.queryJobs({ name: JOBS.randomOrder, includeDisabled: true });
    const attrs = jobs[0];
    if (!attrs) return { enabled: false, every: OFF, nextRunAt: null };
    const enabled = !attrs.disabled && Boolean(attrs.repeatInterval);
    return {
      enabled,
      every: (attrs.data as RandomOrderJobData | undefined)?.every ?? OFF,
      nextRunAt: enabled && attrs.nextRunAt ? new Date(attrs.nextRunAt) : null,
    };
  }

  /** RANDOM_ORDERS_EVERY seeds the job on the first start only; a bad value fails start-up naming the variable. */
  async seed(every: string): Promise<void> {
    const text = every.trim();
    const off = text.toLowerCase() === OFF;
    const everyMs = off ? 0 : parseInterval(text, 'RANDOM_ORDERS_EVERY');
    if (await this.exists()) return;
    await this.write(!off, off ? OFF : text, everyMs);
  }

  /** setRandomOrders: without `every`, keeps the interval already set (switching on and off keeps it). */
  async set(enabled: boolean, every: string | null | undefined): Promise<RandomOrderSettings> {
    const current = await this.read();
    const text = every?.trim() || (current.every !== OFF ? current.every : '');
    if (enabled && !text) throw new ValidationError('every', 'is required to turn random orders on');
    const everyMs = text ? parseInterval(text, 'every') : 0;
    // The settings share a document with Agenda's job. FerretDB applies an update as a read and a
    // write-back of the whole document, so a running occurrence's state save that overlaps ours can
    // write the old settings back: look once it has landed, and write again until ours is stored.
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const written = await this.write(enabled, text || OFF, everyMs);
      await sleep(SETTLE_MS);
      const stored = await this.stored();
      // The occurrence's own save after its run writes the nextRunAt it computed from the old interval.
      if (
        stored?.revision === written.revision &&
        stored.nextRunAt?.getTime() === written.nextRunAt?.getTime()
      )
        break;
    }
    return this.read();
  }

  private async write(
    enabled: boolean,
    every: string,
    everyMs: number,
  ): Promise<{ revision: string; nextRunAt: Date | null }> {
    const revision = randomUUID();
    const job = this.agenda.create<RandomOrderJobData>(JOBS.randomOrder, { every, revision });
    // `single`: saved by name, so there is one random-order job however often the settings change.
    job.attrs.type = 'single';
    if (everyMs > 0) job.repeatEvery(everyMs, { skipImmediate: true });
    if (enabled) {
      job.enable();
    } else {
      job.disable();
      job.attrs.nextRunAt = null;
    }
    await job.save();
    const stored = await this.stored();
    return { revision, nextRunAt: stored?.revision === revision ? stored.nextRunAt : null };
  }
}
