// Typed fakes of the host adapters, for unit tests only. Not exported from the package index so
// production code cannot reach them.
export * from './command-runner.fake';
export * from './host-fs.fake';
export * from './process-host.fake';
