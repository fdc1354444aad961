import { NumberInput, Select, Switch, TextInput } from '@mantine/core';
import type { AttributeSpec } from './order-queries.ts';

interface InputProps {
  value?: unknown;
  onChange: (value: unknown) => void;
  error?: unknown;
}

const describe = (spec: AttributeSpec) => {
  const range = spec.allowed
    ? `one of ${spec.allowed.join(', ')}`
    : spec.min !== null || spec.max !== null
      ? `${spec.min ?? '…'} to ${spec.max ?? '…'}`
      : spec.type;
  return `${range} · default ${String(spec.default)}`;
};

/** One attribute's input, chosen by its type and its allowed values or range from the catalogue. */
export function AttributeField({ spec, input }: { spec: AttributeSpec; input: InputProps }) {
  const common = { label: spec.name, description: describe(spec), error: input.error as string | undefined };
  if (spec.type === 'boolean') {
    return (
      <Switch
        {...common}
        mt="md"
        checked={Boolean(input.value ?? spec.default)}
        onChange={(event) => input.onChange(event.currentTarget.checked)}
      />
    );
  }
  if (spec.allowed) {
    const numeric = spec.type === 'int' || spec.type === 'float';
    return (
      <Select
        {...common}
        data={spec.allowed.map(String)}
        value={String(input.value ?? spec.default)}
        allowDeselect={false}
        onChange={(value) => input.onChange(numeric ? Number(value) : value)}
      />
    );
  }
  if (spec.type === 'int' || spec.type === 'float') {
    return (
      <NumberInput
        {...common}
        min={spec.min ?? undefined}
        max={spec.max ?? undefined}
        allowDecimal={spec.type === 'float'}
        value={(input.value as number | undefined) ?? (spec.default as number)}
        onChange={(value) => input.onChange(value === '' ? spec.default : Number(value))}
      />
    );
  }
  return (
    <TextInput
      {...common}
      value={String(input.value ?? spec.default ?? '')}
      onChange={(event) => input.onChange(event.currentTarget.value)}
    />
  );
}
