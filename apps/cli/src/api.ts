/*
 * The CLI runs the API's own configuration, database and cache code, so `moxnas` and the app always
 * agree on where the data is (DESIGN §2: apps/cli is built with apps/api/src, see tsconfig.app.json).
 * Nx forbids relative imports into another project; this file is the one deliberate exception, so
 * every other CLI module imports API code from here.
 */
/* eslint-disable @nx/enforce-module-boundaries */
export { ConfigError, loadConfig, type AppConfig } from '../../api/src/core/config/config';
export { hostPaths, type HostPaths } from '../../api/src/core/config/host-paths';
export { dataSourceOptions } from '../../api/src/core/database/data-source-options';
export { EmbeddedPostgres, type EmbeddedEndpoint } from '../../api/src/core/database/embedded-postgres';
export { RedisCacheStore } from '../../api/src/core/cache/redis-cache-store';
