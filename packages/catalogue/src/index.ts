export * from './products.ts';
export * from './attributes.ts';
export * from './production-time.ts';
