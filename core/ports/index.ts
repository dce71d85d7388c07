export * from './payment-channel.js';
export * from './heartbeat-handler.js';
export * from './notification-parser.js';
