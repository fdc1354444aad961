import { lazy, Suspense, useMemo, useState } from 'react';
import { ApolloProvider } from '@apollo/client/react';
import { AppShell, Button, Group, Loader, NavLink, Stack, Text, Title } from '@mantine/core';
import { createApolloClient } from './apollo.ts';
import { SCREENS, useScreen, type Screen } from './routes.ts';
import { storedSession, storeSession, type Session } from './session.ts';
import { SignIn } from './SignIn.tsx';
import { StatusBadge } from './StatusBadge.tsx';

// Each screen is its own chunk: the first screen loads only what it shows.
const SCREEN_COMPONENTS: Record<
  Screen,
  React.LazyExoticComponent<React.ComponentType<{ session: Session }>>
> = {
  board: lazy(() => import('./board/BoardScreen.tsx')),
  'new-order': lazy(() => import('./orders/NewOrderScreen.tsx')),
  customers: lazy(() => import('./customers/CustomersScreen.tsx')),
  factory: lazy(() => import('./factory/FactoryScreen.tsx')),
  dashboard: lazy(() => import('./dashboard/DashboardScreen.tsx')),
  'random-orders': lazy(() => import('./random/RandomOrdersScreen.tsx')),
};

export function App() {
  const [session, setSession] = useState<Session | null>(storedSession);
  const [notice, setNotice] = useState<string | null>(null);
  const client = useMemo(
    () =>
      session
        ? createApolloClient(session.token, (message) => {
            storeSession(null);
            setNotice(`The gateway refused your token (${message}). Sign in again.`);
            setSession(null);
          })
        : null,
    [session],
  );
  const [screen, go] = useScreen();

  const signIn = (next: Session | null) => {
    storeSession(next);
    if (!next) void client?.stop();
    setNotice(null);
    setSession(next);
  };
  if (!session || !client) return <SignIn onSignIn={signIn} notice={notice} />;

  const allowed = SCREENS.filter((entry) => entry.allowed(session));
  const shown = allowed.some((entry) => entry.id === screen) ? screen : 'board';
  const Current = SCREEN_COMPONENTS[shown];
  return (
    <ApolloProvider client={client}>
      <AppShell header={{ height: 56 }} navbar={{ width: 200, breakpoint: 0 }} padding="md">
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between">
            <Title order={1} size="h3">
              Factory Floor
            </Title>
            <Group gap="sm">
              <Text size="sm">{session.sub}</Text>
              <StatusBadge status={session.role} color="indigo" data-testid="role">
                {session.role}
              </StatusBadge>
              <Button size="xs" variant="default" onClick={() => signIn(null)}>
                Sign out
              </Button>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs" component="nav" aria-label="Screens">
          <Stack gap={2}>
            {allowed.map((entry) => (
              <NavLink
                key={entry.id}
                href={`#/${entry.id}`}
                label={entry.label}
                active={entry.id === shown}
                variant="filled"
                aria-current={entry.id === shown ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  go(entry.id);
                }}
              />
            ))}
          </Stack>
        </AppShell.Navbar>
        <AppShell.Main>
          <Suspense fallback={<Loader aria-label="Loading" />}>
            <Current session={session} />
          </Suspense>
        </AppShell.Main>
      </AppShell>
    </ApolloProvider>
  );
}
