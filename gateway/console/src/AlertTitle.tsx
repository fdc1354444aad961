import { Text } from '@mantine/core';

/** An alert's title in the body text colour: Mantine's tinted titles fall below AA contrast on their tint. */
export function AlertTitle({ children }: { children: React.ReactNode }) {
  return (
    <Text span fw={700} c="var(--mantine-color-text)">
      {children}
    </Text>
  );
}
