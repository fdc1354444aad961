import { useEffect, useState } from 'react';
import { Alert, Button, Center, Divider, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { fetchConsoleConfig, fetchDevToken, sessionFromToken, type Role, type Session } from './session.ts';

const DEV_ROLES: Role[] = ['viewer', 'operator', 'admin'];

/** Paste a bearer token; outside production the gateway also offers one-click sign-in per role. */
export function SignIn({
  onSignIn,
  notice,
}: {
  onSignIn: (session: Session) => void;
  notice: string | null;
}) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [devSignIn, setDevSignIn] = useState(false);
  useEffect(() => {
    void fetchConsoleConfig().then((config) => setDevSignIn(config.devSignIn));
  }, []);

  const submit = (value: string) => {
    const session = sessionFromToken(value);
    if (!session) {
      setError('This is not a valid, unexpired token with a viewer, operator or admin role.');
      return;
    }
    onSignIn(session);
  };
  const devLogin = async (role: Role) => {
    try {
      submit(await fetchDevToken(role));
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  return (
    <Center mih="100vh" bg="gray.0">
      <Paper component="main" withBorder shadow="sm" p="xl" w={480}>
        <Stack>
          <Title order={1} size="h2">
            Factory Floor console
          </Title>
          {notice && (
            <Alert color="red" role="alert">
              {notice}
            </Alert>
          )}
          <form
            onSubmit={(event) => {
              event.preventDefault();
              submit(token);
            }}
          >
            <Stack>
              <Textarea
                label="Bearer token"
                description="Paste a token, e.g. from `npm run token -- --role operator`."
                autosize
                minRows={3}
                value={token}
                onChange={(event) => {
                  setToken(event.currentTarget.value);
                  setError(null);
                }}
                error={error}
              />
              <Button type="submit">Sign in</Button>
            </Stack>
          </form>
          {devSignIn && (
            <>
              <Divider label="Development only" labelPosition="center" />
              <Alert color="gray" variant="outline">
                <Text size="sm">One-click sign-in is offered because this gateway is not in production.</Text>
              </Alert>
              <Stack gap="xs">
                {DEV_ROLES.map((role) => (
                  <Button key={role} variant="default" onClick={() => void devLogin(role)}>
                    Sign in as {role}
                  </Button>
                ))}
              </Stack>
            </>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}
