import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

// RFC 3339 date-time with a four-digit year: JavaScript's Date also takes "1" (2001) or year -100000.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

const invalid = () =>
  new GraphQLError('DateTime must be an ISO-8601 date and time such as 2026-12-01T09:30:00Z', {
    extensions: { code: 'BAD_USER_INPUT' },
  });

/** What we send: a Date (or a string the database gave us). */
const toDate = (value: unknown): Date => {
  const date = value instanceof Date ? value : new Date(value as string);
  if (typeof value === 'number' || Number.isNaN(date.getTime())) throw invalid();
  return date;
};

/** What a caller sends: only a strict ISO-8601 date-time string. */
const parseDate = (value: unknown): Date => {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value)) throw invalid();
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalid();
  return date;
};

/** ISO-8601 date-time: serialised as a string, parsed into a Date. */
export const dateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (value) => toDate(value).toISOString(),
  parseValue: parseDate,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw invalid();
    return parseDate(ast.value);
  },
});

/** Free-form JSON object (attribute maps). */
export const jsonScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: function parse(ast): unknown {
    switch (ast.kind) {
      case Kind.STRING:
      case Kind.BOOLEAN:
        return ast.value;
      case Kind.INT:
      case Kind.FLOAT:
        return Number(ast.value);
      case Kind.NULL:
        return null;
      case Kind.LIST:
        return ast.values.map(parse);
      case Kind.OBJECT:
        return Object.fromEntries(ast.fields.map((field) => [field.name.value, parse(field.value)]));
      default:
        throw new GraphQLError('Variables are not allowed inside JSON literals');
    }
  },
});
