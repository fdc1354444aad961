import { z } from 'zod';
import { FACTORY_IDS } from '#catalogue/products.ts';

/**
 * The completion webhook, the one contract between a factory (sender) and
 * the order service (receiver): POST `${ORDERS_WEBHOOK_URL}/${factory}`,
 * signed with that factory's secret.
 */
export const MAX_COMPLETIONS_PER_WEBHOOK = 500;

const instant = z.iso.datetime({ offset: true });

export const completionSchema = z.object({
  productionOrderId: z.string().min(1).max(100),
  orderNumber: z.string().min(1).max(64),
  lineId: z.uuid(),
  status: z.literal('COMPLETED'),
  quantity: z.number().int().positive(),
  attributes: z.record(z.string(), z.unknown()),
  queuedAt: instant,
  startedAt: instant.nullable(),
  completedAt: instant,
  /** The W3C traceparent given in the production request, if any. */
  traceparent: z.string().max(55).optional(),
});

export const completionWebhookSchema = z
  .object({
    factory: z.enum(FACTORY_IDS),
    completions: z.array(completionSchema).min(1).max(MAX_COMPLETIONS_PER_WEBHOOK),
  })
  .superRefine((body, context) => {
    const seen = new Set<string>();
    body.completions.forEach((completion, index) => {
      if (seen.has(completion.lineId)) {
        context.addIssue({
          code: 'custom',
          path: ['completions', index, 'lineId'],
          message: `repeats line ${completion.lineId}`,
        });
      }
      seen.add(completion.lineId);
    });
  });

export type Completion = z.infer<typeof completionSchema>;
export type CompletionWebhook = z.infer<typeof completionWebhookSchema>;

/** The first problem of a body that does not parse, as `path: message` (for a 400 answer or a log line). */
export function describeWebhookIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.join('.') || 'body'}: ${issue.message}`;
}
