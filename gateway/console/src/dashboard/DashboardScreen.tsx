import { useMemo } from 'react';
import { useQuery } from '@apollo/client/react';
import { Card, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useOnOrderChange } from '../live.ts';
import { StatusBadge } from '../StatusBadge.tsx';
import { bucketLabel, hourRows, ORDER_STATS, PRODUCT_COLORS } from './stats-queries.ts';

const DAY_MS = 24 * 3_600_000;
const secondsText = (value: number | null) => (value === null ? '—' : `${value.toFixed(1)} s`);

/** The Sheets dashboard's figures from orderStats (last 24 hours), refreshed as orders change. */
export default function DashboardScreen() {
  // The window is fixed when the screen opens; each refresh moves its end to now.
  const since = useMemo(() => new Date(Date.now() - DAY_MS).toISOString(), []);
  const { data, refetch } = useQuery(ORDER_STATS, { variables: { since }, fetchPolicy: 'cache-and-network' });
  useOnOrderChange(() => void refetch());
  const stats = data?.orderStats;
  const hours = stats ? hourRows(stats.perHour) : [];
  const buckets =
    stats?.leadTimeHistogram.map((bucket) => ({ label: bucketLabel(bucket), orders: bucket.orders })) ?? [];

  return (
    <Stack>
      <Title order={2}>Dashboard</Title>
      <Text size="sm" c="dimmed">
        Orders placed in the last 24 hours; updates as orders change.
      </Text>
      <SimpleGrid cols={4}>
        {(stats?.byStatus ?? []).map((entry) => (
          <Card key={entry.status} withBorder>
            <StatusBadge status={entry.status} />
            <Text size="xl" fw={700} mt="xs" data-testid={`count-${entry.status}`}>
              {entry.count}
            </Text>
          </Card>
        ))}
      </SimpleGrid>
      <SimpleGrid cols={2}>
        <Paper withBorder p="md">
          <Title order={3} size="h4" mb="sm">
            Orders per product per hour
          </Title>
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={hours} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="hour" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Legend />
              {Object.entries(PRODUCT_COLORS).map(([product, color]) => (
                <Bar
                  key={product}
                  dataKey={product}
                  stackId="orders"
                  fill={color}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </Paper>
        <Paper withBorder p="md">
          <Title order={3} size="h4" mb="sm">
            Lead time distribution (completed orders)
          </Title>
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={buckets} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="label" fontSize={11} />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Bar dataKey="orders" fill="#364fc7" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </Paper>
      </SimpleGrid>
      <Paper withBorder p="md">
        <Group justify="space-between" mb="sm">
          <Title order={3} size="h4">
            Lead time by product
          </Title>
        </Group>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Product</Table.Th>
              <Table.Th>Completed orders</Table.Th>
              <Table.Th>Mean</Table.Th>
              <Table.Th>95th percentile</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(stats?.leadTimes ?? []).map((row) => (
              <Table.Tr key={row.product}>
                <Table.Td>{row.product}</Table.Td>
                <Table.Td data-testid={`completed-${row.product}`}>{row.completedOrders}</Table.Td>
                <Table.Td>{secondsText(row.meanSeconds)}</Table.Td>
                <Table.Td>{secondsText(row.p95Seconds)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}
