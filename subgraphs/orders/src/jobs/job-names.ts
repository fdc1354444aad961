/** The orders service's Agenda jobs (MongoDB, database ORDERS_MONGO_DB). */
export const JOBS = {
  /** Recurring: places one AUTOMATED order per occurrence. */
  randomOrder: 'orders:random-order',
} as const;
