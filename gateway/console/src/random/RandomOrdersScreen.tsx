import { useEffect, useState } from 'react';
import { gql, type TypedDocumentNode } from '@apollo/client';
import { useMutation, useQuery } from '@apollo/client/react';
import { Alert, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { splitFailures } from '../errors.ts';
import { StatusBadge } from '../StatusBadge.tsx';

interface Settings {
  enabled: boolean;
  every: string;
  nextRunAt: string | null;
}
const RANDOM_ORDERS: TypedDocumentNode<{ randomOrders: Settings }, Record<string, never>> = gql`
  query ConsoleRandomOrders {
    randomOrders {
      enabled
      every
      nextRunAt
    }
  }
`;
const SET_RANDOM_ORDERS: TypedDocumentNode<
  { setRandomOrders: Settings },
  { enabled: boolean; every: string | null }
> = gql`
  mutation ConsoleSetRandomOrders($enabled: Boolean!, $every: String) {
    setRandomOrders(enabled: $enabled, every: $every) {
      enabled
      every
      nextRunAt
    }
  }
`;

/** Admin only: the recurring random-order job, on or off, and how often it runs. */
export default function RandomOrdersScreen() {
  const { data, refetch } = useQuery(RANDOM_ORDERS, { fetchPolicy: 'cache-and-network' });
  const [save, saving] = useMutation(SET_RANDOM_ORDERS);
  const [every, setEvery] = useState('');
  const [error, setError] = useState<string | null>(null);
  const settings = data?.randomOrders;
  useEffect(() => {
    if (settings) setEvery(settings.every);
  }, [settings]);

  const apply = async (enabled: boolean) => {
    setError(null);
    try {
      await save({ variables: { enabled, every: every.trim() || null } });
      await refetch();
    } catch (failure) {
      const { fields, general } = splitFailures(failure);
      setError(fields.every ?? general);
    }
  };

  return (
    <Stack maw={560}>
      <Title order={2}>Random orders</Title>
      <Paper withBorder p="md">
        <Stack>
          <Group>
            <Text>Random orders are</Text>
            <StatusBadge
              status={settings?.enabled ? 'COMPLETE' : 'PENDING'}
              size="lg"
              data-testid="random-state"
            >
              {settings ? (settings.enabled ? 'running' : 'stopped') : '…'}
            </StatusBadge>
          </Group>
          {settings?.enabled && settings.nextRunAt && (
            <Text size="sm" c="dimmed">
              Next one at {new Date(settings.nextRunAt).toLocaleTimeString()}
            </Text>
          )}
          <TextInput
            label="Interval"
            description='A duration such as "30 seconds", "5 minutes" or "500 ms"'
            value={every}
            onChange={(event) => setEvery(event.currentTarget.value)}
            error={error}
          />
          <Group>
            <Button loading={saving.loading} onClick={() => void apply(true)}>
              {settings?.enabled ? 'Set interval' : 'Start'}
            </Button>
            <Button variant="default" disabled={!settings?.enabled} onClick={() => void apply(false)}>
              Stop
            </Button>
          </Group>
          {saving.error && !error && <Alert color="red">{saving.error.message}</Alert>}
        </Stack>
      </Paper>
    </Stack>
  );
}
