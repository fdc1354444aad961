import { gql, type TypedDocumentNode } from '@apollo/client';

export type OrderStatus = 'VERIFIED' | 'SCHEDULED' | 'COMPLETE' | 'REJECTED';
export interface OrderLine {
  id: string;
  product: string;
  quantity: number;
  attributes: Record<string, unknown>;
  factory: string;
  status: string;
  completedAt: string | null;
}
export interface BoardOrder {
  number: string;
  status: OrderStatus;
  source: string;
  placedAt: string;
  scheduledAt: string | null;
  completedAt: string | null;
  version: number;
  customer: { id: string; name: string };
  lines: OrderLine[];
}
export interface OrdersPage {
  orders: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: BoardOrder }[];
  };
}
export interface BoardFilter {
  status: OrderStatus | null;
  customerId: string | null;
}

const ORDER_FIELDS = `
  number status source placedAt scheduledAt completedAt version
  customer { id name }
  lines { id product quantity attributes factory status completedAt }
`;

export const BOARD_ORDERS: TypedDocumentNode<
  OrdersPage,
  BoardFilter & { first: number; after: string | null }
> = gql`
  query ConsoleBoard($status: OrderStatus, $customerId: ID, $first: Int!, $after: String) {
    orders(status: $status, customerId: $customerId, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { ${ORDER_FIELDS} } }
    }
  }
`;

export const ORDER_UPDATED: TypedDocumentNode<{ orderUpdated: BoardOrder }, Record<string, never>> = gql`
  subscription ConsoleOrderUpdated { orderUpdated { ${ORDER_FIELDS} } }
`;

export interface OrderDetail extends BoardOrder {
  history: { status: OrderStatus; at: string; note: string | null }[];
  lines: (OrderLine & {
    productionOrder: {
      id: string;
      status: string;
      queuedAt: string;
      startedAt: string | null;
      completedAt: string | null;
      productionSeconds: number;
      productionLine: number | null;
    } | null;
  })[];
}

export const ORDER_DETAIL: TypedDocumentNode<{ order: OrderDetail | null }, { number: string }> = gql`
  query ConsoleOrder($number: String!) {
    order(number: $number) {
      ${ORDER_FIELDS}
      history { status at note }
      lines {
        id
        productionOrder { id status queuedAt startedAt completedAt productionSeconds productionLine }
      }
    }
  }
`;
