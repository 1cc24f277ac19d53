export { redactConnectionString } from './errors.js';
export { PostgresArtifactFiles } from './files.js';
export { migrate, type MigrateOptions } from './migrations.js';
export { PostgresStore, type PostgresStoreOptions } from './store.js';
export { PostgresCoordination, type LeaseOptions } from './coordination.js';
