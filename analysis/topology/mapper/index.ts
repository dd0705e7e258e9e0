export * from './lens';
export * from './cover';
export * from './neighbors';
export * from './cluster';
export * from './nerve';
export * from './graphAnalysis';
export * from './mapper';
