export * from './distance';
export * from './random';
export * from './pca';
export * from './knnGraph';
export * from './symmetricEigen';
export * from './matmul';
export * from './orthonormalize';
export * from './columnRange';
