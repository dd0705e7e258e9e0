export * from './diagram';
export * from './rips';
export * from './convert';
export * from './cancel';
export { naiveRipsPersistence } from './ripsNaive';
