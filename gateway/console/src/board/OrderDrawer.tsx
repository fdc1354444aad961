import { useQuery } from '@apollo/client/react';
import { Drawer, Group, Loader, Stack, Table, Text, Timeline, Title } from '@mantine/core';
import { useOnOrderChange } from '../live.ts';
import { StatusBadge } from '../StatusBadge.tsx';
import { ORDER_DETAIL } from './board-queries.ts';

const time = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

/** One order: its lines with their production orders, and its status history. */
export function OrderDrawer({ number, onClose }: { number: string; onClose: () => void }) {
  // The board's subscription keeps the order's status and lines current in the cache;
  // its history and production orders are fetched again when orders change.
  const { data, loading, refetch } = useQuery(ORDER_DETAIL, {
    variables: { number },
    fetchPolicy: 'cache-and-network',
  });
  useOnOrderChange(() => void refetch());
  const order = data?.order;
  return (
    <Drawer opened onClose={onClose} position="right" size="xl" title={`Order ${number}`}>
      {!order ? (
        loading ? (
          <Loader aria-label="Loading" />
        ) : (
          <Text>Order {number} was not found.</Text>
        )
      ) : (
        <Stack>
          <Group>
            <StatusBadge status={order.status} size="lg" />
            <Text>
              {order.customer.name} · {order.source.toLowerCase()} · placed {time(order.placedAt)}
            </Text>
          </Group>
          <Title order={3} size="h4">
            Lines
          </Title>
          <Table withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Product</Table.Th>
                <Table.Th>Attributes</Table.Th>
                <Table.Th>Line status</Table.Th>
                <Table.Th>Production</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {order.lines.map((line) => (
                <Table.Tr key={line.id}>
                  <Table.Td>
                    {line.quantity} × {line.product}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {Object.entries(line.attributes)
                        .map(([name, value]) => `${name} ${String(value)}`)
                        .join(' · ')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={line.status} />
                  </Table.Td>
                  <Table.Td>
                    {line.productionOrder ? (
                      <Text size="sm">
                        {line.productionOrder.status.toLowerCase().replace('_', ' ')} at {line.factory}
                        {line.productionOrder.productionLine !== null &&
                          `, line ${line.productionOrder.productionLine}`}
                        {' · '}
                        {line.productionOrder.productionSeconds} s simulated
                      </Text>
                    ) : (
                      <Text size="sm" c="dimmed">
                        not yet at {line.factory}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Title order={3} size="h4">
            History
          </Title>
          <Timeline active={order.history.length - 1} bulletSize={16}>
            {order.history.map((event) => (
              <Timeline.Item key={`${event.status}-${event.at}`} title={event.status}>
                <Text size="sm" c="dimmed">
                  {time(event.at)}
                  {event.note ? ` · ${event.note}` : ''}
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
        </Stack>
      )}
    </Drawer>
  );
}
