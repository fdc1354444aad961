import { useEffect, useRef } from 'react';
import { useSubscription } from '@apollo/client/react';
import { gql, type TypedDocumentNode } from '@apollo/client';

const ORDER_CHANGED: TypedDocumentNode<
  { orderUpdated: { number: string; status: string } },
  Record<string, never>
> = gql`
  subscription ConsoleOrderChanged {
    orderUpdated {
      number
      status
    }
  }
`;

/**
 * Calls `refresh` after orders change, at most once per `everyMs`: a burst of
 * status changes costs one refetch, not one per change.
 */
export function useOnOrderChange(refresh: () => void, everyMs = 1000) {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(refresh);
  latest.current = refresh;
  useSubscription(ORDER_CHANGED, {
    onData: () => {
      timer.current ??= setTimeout(() => {
        timer.current = undefined;
        latest.current();
      }, everyMs);
    },
  });
  useEffect(() => () => clearTimeout(timer.current), []);
}
