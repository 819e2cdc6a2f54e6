// A second process for the lock tests: opens the embedded database in argv[2], writes a row and keeps it
// open, printing "open"; or prints why it could not and exits 2. Run with `node bin/run-ts.js`.
import { createPGliteSql } from '../pglite';

createPGliteSql({ dataDir: process.argv[2]! }).then(
  async (sql) => {
    await sql.query('create table if not exists held (pid int)');
    await sql.query('insert into held values ($1)', [process.pid]);
    process.stdout.write('open\n');
    setInterval(() => undefined, 60_000);
  },
  (err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  },
);
