import { useRef, useState } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { useForm } from '@mantine/form';
import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { productionSeconds } from '#catalogue/production-time.ts';
import { AlertTitle } from '../AlertTitle.tsx';
import { splitFailures } from '../errors.ts';
import { requestId } from '../request-id.ts';
import { AttributeField } from './AttributeField.tsx';
import { CustomerSelect } from './CustomerSelect.tsx';
import { PLACE_ORDER, PRODUCTS, type LineInput, type Product, type ProductKind } from './order-queries.ts';

interface Values {
  customerId: string | null;
  lines: LineInput[];
}
const emptyLine = (): LineInput => ({ product: 'WIDGET', quantity: 1, attributes: {} });

/** Only what differs from the catalogue's defaults is sent: the rest the server fills in. */
const overrides = (product: Product | undefined, attributes: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(attributes).filter(
      ([name, value]) => product?.attributes.find((spec) => spec.name === name)?.default !== value,
    ),
  );

const formatSeconds = (seconds: number) =>
  seconds < 120 ? `${seconds.toFixed(1)} s` : `${(seconds / 60).toFixed(1)} min`;

/**
 * Place an order: an active customer, lines whose attribute fields come from the
 * catalogue, the estimated production time. One clientRequestId per order, so a
 * double click or a retry never places two.
 */
export default function NewOrderScreen() {
  const { data } = useQuery(PRODUCTS);
  const products = data?.products ?? [];
  const productOf = (kind: ProductKind) => products.find((product) => product.kind === kind);
  const form = useForm<Values>({ initialValues: { customerId: null, lines: [emptyLine()] } });
  const [place, placing] = useMutation(PLACE_ORDER);
  const clientRequestId = useRef(requestId());
  const inFlight = useRef(false);
  const [general, setGeneral] = useState<string | null>(null);
  const [placed, setPlaced] = useState<{ number: string; status: string } | null>(null);

  const submit = async (values: Values) => {
    if (inFlight.current) return; // a second click before the first answer
    inFlight.current = true;
    setGeneral(null);
    try {
      const result = await place({
        variables: {
          input: {
            customerId: values.customerId ?? '',
            clientRequestId: clientRequestId.current,
            lines: values.lines.map((line) => ({
              ...line,
              attributes: overrides(productOf(line.product), line.attributes),
            })),
          },
        },
      });
      setPlaced(result.data!.placeOrder);
      clientRequestId.current = requestId();
      form.setValues({ lines: [emptyLine()] });
    } catch (error) {
      const { fields, general: message } = splitFailures(error);
      form.setErrors(fields);
      setGeneral(message);
    } finally {
      inFlight.current = false;
    }
  };

  const estimate = form.values.lines.reduce(
    (total, line) =>
      total + productionSeconds(line.product, Math.max(0, line.quantity || 0), line.attributes),
    0,
  );

  return (
    <Stack maw={900}>
      <Title order={2}>New order</Title>
      {placed && (
        <Alert
          color="teal"
          title={<AlertTitle>Order {placed.number} placed</AlertTitle>}
          role="status"
          withCloseButton
          onClose={() => setPlaced(null)}
        >
          It is {placed.status}. Follow it on the <Anchor href="#/board">live board</Anchor>.
        </Alert>
      )}
      {general && <Alert color="red">{general}</Alert>}
      <form onSubmit={form.onSubmit((values) => void submit(values))} noValidate aria-label="New order">
        <Stack>
          <CustomerSelect
            value={form.values.customerId}
            onChange={(id) => form.setFieldValue('customerId', id)}
            error={form.errors.customerId}
          />
          {form.values.lines.map((line, index) => {
            const product = productOf(line.product);
            return (
              <Card key={index} withBorder component="fieldset" aria-label={`Line ${index + 1}`}>
                <Group justify="space-between" mb="xs">
                  <Text fw={600} component="legend">
                    Line {index + 1}
                  </Text>
                  {form.values.lines.length > 1 && (
                    <Button
                      size="compact-sm"
                      variant="subtle"
                      color="red"
                      onClick={() => form.removeListItem('lines', index)}
                    >
                      Remove line {index + 1}
                    </Button>
                  )}
                </Group>
                <SimpleGrid cols={3}>
                  <Select
                    label="Product"
                    data={products.map((entry) => ({
                      value: entry.kind,
                      label: `${entry.name} (${entry.kind})`,
                    }))}
                    allowDeselect={false}
                    {...form.getInputProps(`lines.${index}.product`)}
                    onChange={(kind) => {
                      form.setFieldValue(`lines.${index}.product`, kind as ProductKind);
                      form.setFieldValue(`lines.${index}.attributes`, {});
                    }}
                  />
                  <NumberInput
                    label="Quantity"
                    min={1}
                    allowDecimal={false}
                    {...form.getInputProps(`lines.${index}.quantity`)}
                  />
                  {product?.attributes.map((spec) => (
                    <AttributeField
                      key={`${line.product}-${spec.name}`}
                      spec={spec}
                      input={form.getInputProps(`lines.${index}.attributes.${spec.name}`)}
                    />
                  ))}
                </SimpleGrid>
                {form.errors[`lines.${index}.attributes`] && (
                  <Text c="red" size="sm">
                    {form.errors[`lines.${index}.attributes`]}
                  </Text>
                )}
              </Card>
            );
          })}
          <Group justify="space-between">
            <Button variant="light" onClick={() => form.insertListItem('lines', emptyLine())}>
              Add a line
            </Button>
            <Text aria-live="polite" data-testid="estimate">
              Estimated production time: <strong>{formatSeconds(estimate)}</strong> (simulated, before any
              queue)
            </Text>
          </Group>
          {form.errors.lines && <Text c="red">{form.errors.lines}</Text>}
          <Group justify="end">
            <Button type="submit" size="md" loading={placing.loading}>
              Place order
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
