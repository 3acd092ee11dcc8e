export * from './console-command';
export * from './data';
export * from './fixture';
export * from './overview';
export * from './server';
