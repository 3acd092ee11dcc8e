export * from './business-keys';
export * from './hop';
export * from './jsonl';
export * from './record';
export * from './store';
export * from './taps';
