import { CombinedGraphQLErrors } from '@apollo/client/errors';

export interface FieldFailure {
  /** The form field the error names, e.g. `email`, `address.city`, `lines.0.quantity`; null if none. */
  field: string | null;
  code: string | undefined;
  message: string;
  extensions: Record<string, unknown>;
}

/** The GraphQL errors of a failed operation, each with the field its `extensions.field` names. */
export function failures(error: unknown): FieldFailure[] {
  if (!CombinedGraphQLErrors.is(error)) {
    return [
      { field: null, code: undefined, message: (error as Error)?.message ?? String(error), extensions: {} },
    ];
  }
  return error.errors.map((entry) => {
    const extensions = (entry.extensions ?? {}) as Record<string, unknown>;
    const raw = typeof extensions.field === 'string' ? extensions.field : null;
    return {
      // Mutations name fields from their argument (`input.email`); forms know them without it.
      field: raw ? raw.replace(/^input\./, '') : null,
      code: typeof extensions.code === 'string' ? extensions.code : undefined,
      // The message repeats the field ("email: is not valid"); next to the field, the rest reads better.
      message: raw
        ? entry.message.replace(new RegExp(`^${raw.replace(/\./g, '\\.')}:\\s*`), '')
        : entry.message,
      extensions,
    };
  });
}

/** Field errors keyed by field, for @mantine/form's setErrors; the rest as one message. */
export function splitFailures(error: unknown) {
  const all = failures(error);
  const fields: Record<string, string> = {};
  for (const failure of all) if (failure.field) fields[failure.field] = failure.message;
  const general = all.filter((failure) => !failure.field).map((failure) => failure.message);
  return { fields, general: general.length ? general.join(' ') : null, all };
}
