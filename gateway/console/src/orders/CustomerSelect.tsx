import { useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { useDebouncedValue } from '@mantine/hooks';
import { Select } from '@mantine/core';
import { CUSTOMER_OPTIONS } from './order-queries.ts';

interface Props {
  value: string | null;
  onChange: (id: string | null) => void;
  error?: React.ReactNode;
  label?: string;
  activeOnly?: boolean;
}

/** A searchable drop-down of customers (active ones only, unless told); the gateway searches by name or email as the user types. */
export function CustomerSelect({ value, onChange, error, label = 'Customer', activeOnly = true }: Props) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 200);
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(null);
  const { data, loading } = useQuery(CUSTOMER_OPTIONS, {
    // While a choice is shown in the box, its label is the search text: list everyone instead.
    variables: {
      search: debounced && debounced !== chosen?.label ? debounced : null,
      active: activeOnly ? true : null,
    },
  });
  const options = (data?.customers.edges ?? []).map(({ node }) => ({
    value: node.id,
    label: `${node.name} <${node.email}>`,
  }));
  if (chosen && !options.some((option) => option.value === chosen.value)) options.unshift(chosen);
  return (
    <Select
      label={label}
      placeholder="Type a name or email"
      withAsterisk={activeOnly}
      searchable
      clearable
      data={options}
      value={value}
      searchValue={search}
      onSearchChange={setSearch}
      // The gateway already filtered; show what it found.
      filter={({ options: all }) => all}
      nothingFoundMessage={
        loading ? 'Searching…' : activeOnly ? 'No active customer matches' : 'No customer matches'
      }
      onChange={(id, option) => {
        setChosen(id && option ? { value: id, label: option.label } : null);
        onChange(id);
      }}
      error={error}
    />
  );
}
