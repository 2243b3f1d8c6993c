export * from './schema';
export { DB_VERSION, MIGRATIONS, MigrationError, type Migration } from './migrations';
export * from './db';
export * from './handles';
