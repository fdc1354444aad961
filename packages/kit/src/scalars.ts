import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const toDate = (value: unknown): Date => {
  const date = value instanceof Date ? value : new Date(value as string);
  if (typeof value === 'number' || Number.isNaN(date.getTime())) {
    throw new GraphQLError('DateTime must be an ISO-8601 string', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return date;
};

/** ISO-8601 date-time: serialised as a string, parsed into a Date. */
export const dateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (value) => toDate(value).toISOString(),
  parseValue: toDate,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string');
    return toDate(ast.value);
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
