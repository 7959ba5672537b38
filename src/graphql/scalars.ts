import { GraphQLScalarType } from 'graphql';
import { DateTimeISOResolver } from 'graphql-scalars';

/**
 * DateTime as clients have always read it: `Date#toISOString()` strings (UTC, milliseconds,
 * `Z`), which is what the domain stores. DateTimeISO, not DateTime: graphql-scalars' DateTime
 * serialises to a Date object, which only becomes this string once the response is JSON.
 * Apollo copies a scalar's name and description onto the schema's type, so both are the SDL's.
 */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeISOResolver.toConfig(),
  name: 'DateTime',
  description: 'ISO 8601 date-time string.',
});
