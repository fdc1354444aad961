import { useState } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { useDebouncedValue } from '@mantine/hooks';
import {
  Alert,
  Button,
  Group,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { DataTable } from 'mantine-datatable';
import { canWrite, type Session } from '../session.ts';
import { StatusBadge } from '../StatusBadge.tsx';
import { splitFailures } from '../errors.ts';
import { ARCHIVE_CUSTOMER, CUSTOMERS, type Customer } from './customer-queries.ts';
import { CustomerForm } from './CustomerForm.tsx';

const PAGE_SIZE = 15;
const ACTIVE_FILTER = { all: null, active: true, archived: false } as const;

/** Customers: search, cursor paging, create, edit and archive (operators and admins). */
export default function CustomersScreen({ session }: { session: Session }) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [filter, setFilter] = useState<keyof typeof ACTIVE_FILTER>('all');
  // Cursor of each page seen so far: Previous goes back one step, Next adds the current end cursor.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [editing, setEditing] = useState<Customer | 'new' | null>(null);
  const { data, loading, error, refetch } = useQuery(CUSTOMERS, {
    variables: {
      search: debounced || null,
      active: ACTIVE_FILTER[filter],
      first: PAGE_SIZE,
      after: cursors.at(-1) ?? null,
    },
    fetchPolicy: 'cache-and-network',
  });
  const [archive, archived] = useMutation(ARCHIVE_CUSTOMER);
  const page = data?.customers;
  const writer = canWrite(session);
  const resetPaging = () => setCursors([null]);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Customers</Title>
        {writer && <Button onClick={() => setEditing('new')}>New customer</Button>}
      </Group>
      <Group align="end">
        <TextInput
          label="Search by name or email"
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            resetPaging();
          }}
          w={320}
        />
        <SegmentedControl
          aria-label="Which customers"
          value={filter}
          onChange={(value) => {
            setFilter(value as keyof typeof ACTIVE_FILTER);
            resetPaging();
          }}
          data={[
            { value: 'all', label: 'All' },
            { value: 'active', label: 'Active' },
            { value: 'archived', label: 'Archived' },
          ]}
        />
      </Group>
      {(error || archived.error) && (
        <Alert color="red">{splitFailures(error ?? archived.error).all[0]?.message}</Alert>
      )}
      <DataTable<Customer>
        aria-label="Customers"
        withTableBorder
        striped
        minHeight={160}
        fetching={loading && !page}
        records={page?.edges.map((edge) => edge.node) ?? []}
        noRecordsText="No customers match"
        columns={[
          { accessor: 'name' },
          { accessor: 'email' },
          { accessor: 'phone', render: (customer) => customer.phone ?? '—' },
          {
            accessor: 'address.city',
            title: 'City',
            render: (customer) =>
              customer.address ? `${customer.address.city}, ${customer.address.country}` : '—',
          },
          {
            accessor: 'active',
            title: 'Status',
            render: (customer) => (
              <StatusBadge status={customer.active ? 'COMPLETE' : 'PENDING'}>
                {customer.active ? 'active' : 'archived'}
              </StatusBadge>
            ),
          },
          ...(writer
            ? [
                {
                  accessor: 'actions',
                  title: 'Actions',
                  textAlign: 'right' as const,
                  render: (customer: Customer) => (
                    <Group gap="xs" justify="end" wrap="nowrap">
                      <Button size="compact-sm" variant="light" onClick={() => setEditing(customer)}>
                        Edit<VisuallyHidden> {customer.name}</VisuallyHidden>
                      </Button>
                      {customer.active && (
                        <Button
                          size="compact-sm"
                          variant="light"
                          color="red"
                          aria-label={`Archive ${customer.name}`}
                          loading={archived.loading}
                          onClick={() => {
                            if (window.confirm(`Archive ${customer.name}? They can no longer order.`)) {
                              void archive({ variables: { id: customer.id } });
                            }
                          }}
                        >
                          Archive
                        </Button>
                      )}
                    </Group>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Group justify="space-between">
        <Text size="sm" c="dimmed" aria-live="polite">
          {page ? `Page ${cursors.length} · ${page.totalCount} customers` : ' '}
        </Text>
        <Group gap="xs">
          <Button
            variant="default"
            disabled={cursors.length < 2}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            Previous page
          </Button>
          <Button
            variant="default"
            disabled={!page?.pageInfo.hasNextPage}
            onClick={() => setCursors([...cursors, page!.pageInfo.endCursor])}
          >
            Next page
          </Button>
        </Group>
      </Group>
      {editing && (
        <CustomerForm
          customer={editing === 'new' ? null : editing}
          onClose={(saved) => {
            setEditing(null);
            if (saved) void refetch();
          }}
        />
      )}
    </Stack>
  );
}
