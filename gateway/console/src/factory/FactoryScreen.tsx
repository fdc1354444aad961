import { useEffect, useState } from 'react';
import { gql, type TypedDocumentNode } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { Box, Card, Group, Paper, SimpleGrid, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useOnOrderChange } from '../live.ts';
import { ThroughputChart, type Sample } from './ThroughputChart.tsx';

interface Factory {
  id: string;
  name: string;
  productionLines: number;
  queued: number;
  inProduction: number;
  completed: number;
}
const FACTORIES: TypedDocumentNode<{ factories: Factory[] }, Record<string, never>> = gql`
  query ConsoleFactories {
    factories {
      id
      name
      productionLines
      queued
      inProduction
      completed
    }
  }
`;
/** Production runs between order events too; a sample every few seconds keeps the lines honest. */
const POLL_MS = 3000;
const MAX_SAMPLES = 120;

/** Each factory's lines busy or idle, its queue, its completed count and its throughput over time. */
export default function FactoryScreen() {
  const { data, refetch } = useQuery(FACTORIES, { pollInterval: POLL_MS, fetchPolicy: 'cache-and-network' });
  useOnOrderChange(() => void refetch(), 500);
  const factories = data?.factories ?? [];
  const [samples, setSamples] = useState<Sample[]>([]);
  useEffect(() => {
    if (!data) return;
    const completed = Object.fromEntries(data.factories.map((factory) => [factory.id, factory.completed]));
    setSamples((previous) => [...previous, { at: Date.now(), completed }].slice(-MAX_SAMPLES));
  }, [data]);

  return (
    <Stack>
      <Title order={2}>Factory floor</Title>
      <SimpleGrid cols={3}>
        {factories.map((factory) => (
          <Card key={factory.id} withBorder data-testid={`factory-${factory.id}`}>
            <Title order={3} size="h4">
              {factory.name}
            </Title>
            <Group
              gap={6}
              my="sm"
              role="img"
              aria-label={`${factory.inProduction} of ${factory.productionLines} lines busy`}
            >
              {Array.from({ length: factory.productionLines }, (_, line) => {
                const busy = line < factory.inProduction;
                return (
                  <Tooltip key={line} label={`Line ${line + 1}: ${busy ? 'busy' : 'idle'}`}>
                    <Box
                      w={28}
                      h={28}
                      bg={busy ? 'orange.8' : 'gray.2'}
                      bd="1px solid var(--mantine-color-gray-5)"
                      style={{ borderRadius: 4 }}
                    />
                  </Tooltip>
                );
              })}
            </Group>
            <Text size="sm">
              {factory.inProduction} of {factory.productionLines} lines busy · {factory.queued} queued
            </Text>
            <Text size="sm" data-testid={`completed-${factory.id}`}>
              {factory.completed} completed
            </Text>
          </Card>
        ))}
      </SimpleGrid>
      <Paper withBorder p="md">
        <Title order={3} size="h4" mb="sm">
          Throughput over time
        </Title>
        <ThroughputChart samples={samples} factories={factories.map((factory) => factory.id)} />
      </Paper>
    </Stack>
  );
}
