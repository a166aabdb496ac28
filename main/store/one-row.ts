/**
 * The row of a query that always returns one: an aggregate with no GROUP BY (`count(*)`,
 * `sum`, `max`), or a row written just before it is read. The driver types every `get()` as
 * `Row | undefined`; this says "there is one" once, instead of a cast at each read. A missing
 * row means the store is not what it must be, so it is an error, never a silent zero.
 */
import { AppError } from '../../shared/errors.js';

export function oneRow<R>(row: R | undefined): R {
  if (row === undefined) {
    throw new AppError('internal', 'Fieldwork could not read the data file as expected. Nothing has been changed.', {
      reason: 'a query that always returns a row returned none',
    });
  }
  return row;
}
