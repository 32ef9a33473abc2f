import { expect } from 'chai';
import mongoose, { type Connection, type Schema } from 'mongoose';

// No server: models live on a connection that is never opened. Validation and casting (what
// `create` would send) need no server; nothing here runs a query.
let connection: Connection | undefined;
let modelCount = 0;

/** A document of `schema` holding `record`, validated (rejects with the validation error). */
export async function hydrate(schema: Schema<any>, record: object) {
  connection ??= mongoose.createConnection();
  const Model = connection.model(`m${++modelCount}`, schema);
  const doc = new Model(record);
  await doc.validate();
  return doc;
}

/** What mongoose would insert for `record` after casting, or the validation error it raises. */
export async function cast<T = Record<string, unknown>>(schema: Schema<any>, record: object): Promise<T> {
  return (await hydrate(schema, record)).toBSON() as T;
}

/** The paths mongoose's validation names for `record` (fails the test when it validates). */
export async function validationErrorPaths(schema: Schema<any>, record: object): Promise<string[]> {
  try {
    await cast(schema, record);
  } catch (e) {
    expect(e).to.be.instanceOf(mongoose.Error.ValidationError);
    return Object.keys((e as mongoose.Error.ValidationError).errors);
  }
  return expect.fail('expected a validation error');
}

/** Closes the casting connection (a suite's `after`). */
export async function closeCasting(): Promise<void> {
  await connection?.close();
  connection = undefined;
}
