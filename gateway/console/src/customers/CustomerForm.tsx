import { useState } from 'react';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { useForm } from '@mantine/form';
import { Alert, Button, Group, Modal, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { AlertTitle } from '../AlertTitle.tsx';
import { splitFailures } from '../errors.ts';
import {
  CREATE_CUSTOMER,
  CUSTOMER,
  UPDATE_CUSTOMER,
  type Customer,
  type CustomerInput,
} from './customer-queries.ts';

type Values = {
  name: string;
  email: string;
  phone: string;
  address: { line1: string; line2: string; city: string; postalCode: string; country: string };
};

const valuesOf = (customer: Customer | null): Values => ({
  name: customer?.name ?? '',
  email: customer?.email ?? '',
  phone: customer?.phone ?? '',
  address: {
    line1: customer?.address?.line1 ?? '',
    line2: customer?.address?.line2 ?? '',
    city: customer?.address?.city ?? '',
    postalCode: customer?.address?.postalCode ?? '',
    country: customer?.address?.country ?? '',
  },
});

/** Empty optional fields are left out; an address is sent only when any part of it is filled in. */
const inputOf = (values: Values): CustomerInput => {
  const address = values.address;
  const anyAddress = Object.values(address).some((part) => part.trim() !== '');
  return {
    name: values.name,
    email: values.email,
    phone: values.phone.trim() || null,
    ...(anyAddress ? { address: { ...address, line2: address.line2.trim() || null } } : {}),
  };
};

/**
 * Create or edit a customer. The server validates; its per-field errors
 * (extensions.field) are shown next to the fields. A stale version is explained,
 * with the current values offered.
 */
export function CustomerForm({
  customer,
  onClose,
}: {
  customer: Customer | null;
  onClose: (saved: boolean) => void;
}) {
  const client = useApolloClient();
  const form = useForm<Values>({ initialValues: valuesOf(customer) });
  const [version, setVersion] = useState(customer?.version ?? 0);
  const [general, setGeneral] = useState<string | null>(null);
  const [current, setCurrent] = useState<Customer | null>(null);
  const [create, created] = useMutation(CREATE_CUSTOMER);
  const [update, updated] = useMutation(UPDATE_CUSTOMER);

  const save = async (values: Values) => {
    setGeneral(null);
    try {
      if (customer) await update({ variables: { id: customer.id, input: { ...inputOf(values), version } } });
      else await create({ variables: { input: inputOf(values) } });
      onClose(true);
    } catch (error) {
      const { fields, general: message, all } = splitFailures(error);
      const conflict = all.find((failure) => failure.code === 'CONFLICT' && failure.field === 'version');
      if (conflict && customer) {
        const fresh = await client.query({
          query: CUSTOMER,
          variables: { id: customer.id },
          fetchPolicy: 'network-only',
        });
        setCurrent(fresh.data?.customer ?? null);
        return;
      }
      form.setErrors(fields);
      setGeneral(message);
    }
  };

  return (
    <Modal
      opened
      onClose={() => onClose(false)}
      title={customer ? `Edit ${customer.name}` : 'New customer'}
      size="lg"
    >
      <form onSubmit={form.onSubmit((values) => void save(values))} noValidate>
        <Stack>
          {current && (
            <Alert
              color="orange"
              title={<AlertTitle>Someone changed this customer while you were editing</AlertTitle>}
              role="alert"
            >
              <Text size="sm">
                It is now at version {current.version}: {current.name}, {current.email}
                {current.phone ? `, ${current.phone}` : ''}
                {current.address ? `, ${current.address.city}` : ''}
                {current.active ? '' : ' (archived)'}.
              </Text>
              <Group mt="sm">
                <Button
                  size="xs"
                  onClick={() => {
                    form.setValues(valuesOf(current));
                    setVersion(current.version);
                    setCurrent(null);
                  }}
                >
                  Use the current values
                </Button>
                <Button
                  size="xs"
                  variant="light"
                  onClick={() => {
                    setVersion(current.version);
                    setCurrent(null);
                  }}
                >
                  Keep my changes
                </Button>
              </Group>
            </Alert>
          )}
          {general && <Alert color="red">{general}</Alert>}
          <TextInput label="Name" withAsterisk {...form.getInputProps('name')} />
          <TextInput label="Email" type="email" withAsterisk {...form.getInputProps('email')} />
          <TextInput label="Phone" {...form.getInputProps('phone')} />
          <SimpleGrid cols={2}>
            <TextInput label="Address line 1" {...form.getInputProps('address.line1')} />
            <TextInput label="Address line 2" {...form.getInputProps('address.line2')} />
            <TextInput label="City" {...form.getInputProps('address.city')} />
            <TextInput label="Postal code" {...form.getInputProps('address.postalCode')} />
            <TextInput label="Country (ISO code)" {...form.getInputProps('address.country')} />
          </SimpleGrid>
          <Group justify="end">
            <Button variant="default" onClick={() => onClose(false)}>
              Cancel
            </Button>
            <Button type="submit" loading={created.loading || updated.loading} disabled={current !== null}>
              {customer ? 'Save changes' : 'Create customer'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
