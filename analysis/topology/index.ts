export * from './diagram';
export * from './rips';
export * from './convert';
export * from './cancel';
export * from './sublevel';
export * from './bottleneck';
export * from './diagramStats';
export { naiveRipsPersistence } from './ripsNaive';
export * from './mapper/index';
