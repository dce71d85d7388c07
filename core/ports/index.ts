export * from './payment-channel.js';
