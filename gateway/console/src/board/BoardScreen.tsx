import { useEffect, useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { Alert, Badge, Button, Group, Select, Stack, Text, Title } from '@mantine/core';
import { DataTable } from 'mantine-datatable';
import { useOnOrderChange } from '../live.ts';
import { CustomerSelect } from '../orders/CustomerSelect.tsx';
import { StatusBadge } from '../StatusBadge.tsx';
import {
  BOARD_ORDERS,
  ORDER_UPDATED,
  type BoardFilter,
  type BoardOrder,
  type OrderStatus,
} from './board-queries.ts';
import { OrderDrawer } from './OrderDrawer.tsx';

/** A page, not the whole history: the board stays quick with thousands of orders. */
const PAGE_SIZE = 25;
const STATUSES: OrderStatus[] = ['VERIFIED', 'SCHEDULED', 'COMPLETE', 'REJECTED'];

const matches = (order: BoardOrder, filter: BoardFilter) =>
  (!filter.status || order.status === filter.status) &&
  (!filter.customerId || order.customer.id === filter.customerId);

/** Newest first by placement, then number: only an order above the top row is new to this page. */
const isNewer = (order: BoardOrder, top: BoardOrder | undefined) =>
  !top || order.placedAt > top.placedAt || (order.placedAt === top.placedAt && order.number > top.number);

const time = (iso: string | null) => (iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : '—');

/** Orders moving VERIFIED → SCHEDULED → COMPLETE as the subscription reports them. */
export default function BoardScreen() {
  const [filter, setFilter] = useState<BoardFilter>({ status: null, customerId: null });
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [open, setOpen] = useState<string | null>(null);
  const firstPage = cursors.length === 1;
  const { data, loading, error, subscribeToMore, refetch } = useQuery(BOARD_ORDERS, {
    variables: { ...filter, first: PAGE_SIZE, after: cursors.at(-1) ?? null },
    fetchPolicy: 'cache-and-network',
  });

  // Changes of orders already shown update through the cache (Order is keyed by number);
  // an order newer than the top row that fits the filter joins the top of the first page.
  useEffect(
    () =>
      subscribeToMore({
        document: ORDER_UPDATED,
        updateQuery: (_unsafe, { previousData, complete, subscriptionData }) => {
          const order = subscriptionData.data.orderUpdated;
          if (!complete || !firstPage || !matches(order, filter)) return undefined;
          const page = previousData.orders;
          if (!isNewer(order, page.edges[0]?.node)) return undefined;
          return {
            orders: {
              ...page,
              totalCount: page.totalCount + 1,
              edges: [{ __typename: 'OrderEdge', node: order }, ...page.edges].slice(0, PAGE_SIZE),
            },
          } as typeof previousData;
        },
      }),
    [subscribeToMore, filter, firstPage],
  );
  // Events arrive out of placement order and, filtered by status, orders move in and out of view:
  // the first page (or a filtered one) is fetched again, at most once a second, to stay exact.
  useOnOrderChange(() => {
    if (firstPage || filter.status) void refetch();
  });

  const page = data?.orders;
  const changeFilter = (next: Partial<BoardFilter>) => {
    setFilter({ ...filter, ...next });
    setCursors([null]);
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Live board</Title>
        <Badge variant="dot" color="teal" aria-label="Live: updates by subscription">
          live
        </Badge>
      </Group>
      <Group align="end">
        <Select
          label="Status"
          placeholder="Any status"
          clearable
          data={STATUSES}
          value={filter.status}
          onChange={(status) => changeFilter({ status: status as OrderStatus | null })}
          w={180}
        />
        <div style={{ width: 340 }}>
          <CustomerSelect
            label="Customer filter"
            activeOnly={false}
            value={filter.customerId}
            onChange={(customerId) => changeFilter({ customerId })}
          />
        </div>
      </Group>
      {/* A refused or failed page says so, rather than looking like an empty floor. */}
      {error && (
        <Alert color="red" role="alert" title="The orders could not be loaded">
          {error.message}
        </Alert>
      )}
      <DataTable<BoardOrder>
        aria-label="Orders"
        withTableBorder
        highlightOnHover
        minHeight={200}
        fetching={loading && !page}
        idAccessor="number"
        records={page?.edges.map((edge) => edge.node) ?? []}
        noRecordsText={error ? 'No orders to show' : 'No orders yet'}
        onRowClick={({ record }) => setOpen(record.number)}
        columns={[
          {
            accessor: 'number',
            render: (order) => (
              <Button variant="subtle" size="compact-sm" onClick={() => setOpen(order.number)}>
                {order.number}
              </Button>
            ),
          },
          { accessor: 'customer.name', title: 'Customer', noWrap: true },
          {
            accessor: 'status',
            width: 130,
            render: (order) => <StatusBadge status={order.status} data-testid={`status-${order.number}`} />,
          },
          {
            accessor: 'lines',
            title: 'Lines (production status)',
            render: (order) => (
              <Group gap={4}>
                {order.lines.map((line) => (
                  // A title, not a Tooltip: hundreds of rows re-render as events stream in.
                  <StatusBadge key={line.id} status={line.status} tt="none" title={`made by ${line.factory}`}>
                    {line.quantity} × {line.product.toLowerCase()} · {line.status.toLowerCase()}
                  </StatusBadge>
                ))}
              </Group>
            ),
          },
          { accessor: 'source', render: (order) => order.source.toLowerCase() },
          { accessor: 'placedAt', title: 'Placed', noWrap: true, render: (order) => time(order.placedAt) },
          {
            accessor: 'completedAt',
            title: 'Completed',
            noWrap: true,
            render: (order) => time(order.completedAt),
          },
        ]}
      />
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {page ? `Page ${cursors.length} · ${page.totalCount} orders` : ' '}
        </Text>
        <Group gap="xs">
          <Button variant="default" disabled={firstPage} onClick={() => setCursors(cursors.slice(0, -1))}>
            Newer
          </Button>
          <Button
            variant="default"
            disabled={!page?.pageInfo.hasNextPage}
            onClick={() => setCursors([...cursors, page!.pageInfo.endCursor])}
          >
            Older
          </Button>
        </Group>
      </Group>
      {open && <OrderDrawer number={open} onClose={() => setOpen(null)} />}
    </Stack>
  );
}
