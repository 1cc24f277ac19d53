import { createHash } from 'node:crypto';
import pg from 'pg';
import { databaseError, isUnavailable } from './errors.js';

const names = new Map<string, string>();

/**
 * A name for the statement, the same for the same text: node-postgres then prepares it once per
 * connection and later runs skip the server's parsing and planning. The store's statements are a
 * fixed set, so each connection holds a bounded number of them.
 */
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `ap_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/** A query node-postgres prepares once per connection (see `statementName`). */
export const prepared = (text: string, values: unknown[]): pg.QueryConfig => ({
  name: statementName(text),
  text,
  values,
});

/**
 * The one path to the database: every query and transaction of the store and its artifact files
 * goes through here, so every failure is mapped once (a 503 while the database is unreachable,
 * never a password in a message).
 */
export class Database {
  constructor(
    readonly pool: pg.Pool,
    private readonly passwords: string[],
  ) {}

  /** The store's error for a failure (see `databaseError`). */
  mapError(error: unknown): unknown {
    return databaseError(error, this.passwords);
  }

  /** Runs `work`, rejecting with the store's error when it fails. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.mapError(error);
    }
  }

  /** One statement through the pool (its own implicit transaction), prepared once per connection. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    return this.run(() => this.pool.query<R>(prepared(text, values)));
  }

  /**
   * Runs `work` in one transaction on one connection: committed when it resolves, rolled back
   * when it throws. A connection that failed is destroyed, not handed back to the pool.
   */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.run(async () => {
      const client = await this.pool.connect();
      // pg-pool listens for errors only on idle clients: a connection dropping while this one is
      // checked out would otherwise be an unhandled 'error' event (a crash). Its next query fails.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // The server answered (even a statement timeout): the connection is sound, roll back. A
        // client-side failure (a timeout, a dropped socket) leaves it in an unknown state.
        if (!(error instanceof pg.DatabaseError) && isUnavailable(error)) broken ??= error as Error;
        if (!broken) await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    });
  }
}
