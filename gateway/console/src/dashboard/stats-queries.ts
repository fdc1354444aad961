import { gql, type TypedDocumentNode } from '@apollo/client';

export interface OrderStats {
  since: string;
  until: string;
  byStatus: { status: string; count: number }[];
  leadTimes: {
    product: string;
    completedOrders: number;
    meanSeconds: number | null;
    p95Seconds: number | null;
  }[];
  perHour: { hour: string; product: string; orders: number }[];
  leadTimeHistogram: { fromSeconds: number; toSeconds: number | null; orders: number }[];
}

export const ORDER_STATS: TypedDocumentNode<{ orderStats: OrderStats }, { since: string }> = gql`
  query ConsoleOrderStats($since: DateTime!) {
    orderStats(since: $since) {
      since
      until
      byStatus {
        status
        count
      }
      leadTimes {
        product
        completedOrders
        meanSeconds
        p95Seconds
      }
      perHour {
        hour
        product
        orders
      }
      leadTimeHistogram {
        fromSeconds
        toSeconds
        orders
      }
    }
  }
`;

export const PRODUCT_COLORS: Record<string, string> = {
  WIDGET: '#364fc7',
  GADGET: '#c2255c',
  GIZMO: '#087f5b',
};

/** One row per hour with a column per product, as a stacked bar chart wants it. */
export function hourRows(perHour: OrderStats['perHour']) {
  const rows = new Map<string, Record<string, string | number>>();
  for (const entry of perHour) {
    const label = new Date(entry.hour).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    const row = rows.get(entry.hour) ?? { hour: label, WIDGET: 0, GADGET: 0, GIZMO: 0 };
    row[entry.product] = entry.orders;
    rows.set(entry.hour, row);
  }
  return [...rows.values()];
}

const seconds = (value: number) => (value >= 60 ? `${value / 60} min` : `${value} s`);
export const bucketLabel = (bucket: OrderStats['leadTimeHistogram'][number]) =>
  bucket.toSeconds === null ? `≥ ${seconds(bucket.fromSeconds)}` : `< ${seconds(bucket.toSeconds)}`;
