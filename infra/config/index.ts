export * from './environments';
export * from './schema';
