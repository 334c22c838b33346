import pg from 'pg';

/** Runs fn inside BEGIN/COMMIT on one pooled connection; rolls back and rethrows on any error. */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is dead (server gone, proxy cut): destroy it instead of pooling it.
    broken = await client.query('ROLLBACK').then(
      () => false,
      () => true,
    );
    throw error;
  } finally {
    client.release(broken);
  }
}

// SQLSTATE classes that speak of the connection or the server, not of what a statement did: connection exceptions,
// insufficient resources, operator intervention (a shutdown).
const CONNECTION_CLASSES = new Set(['08', '53', '57']);

/**
 * Whether PostgreSQL refused a statement for what it did (a constraint, a trigger, a deadlock), rather than the
 * connection failing or the server going away: only then can running the same work in smaller parts succeed now.
 */
export function isStatementError(error: unknown): boolean {
  return error instanceof pg.DatabaseError && !CONNECTION_CLASSES.has(String(error.code).slice(0, 2));
}
