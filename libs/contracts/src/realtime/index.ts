export * from './agents.events';
