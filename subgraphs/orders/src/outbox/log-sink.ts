import type { Logger } from '#kit/logger.ts';
import type { OutboxSink } from './outbox-message.ts';

/** The default sink: one log line per status change. */
export function createLogSink(logger: Logger): OutboxSink {
  return {
    name: 'log',
    async deliver(messages) {
      for (const message of messages) {
        logger.info(
          { outboxId: message.id, order: message.key, status: message.payload.status },
          `order ${message.key} is ${message.payload.status}`,
        );
      }
    },
  };
}
