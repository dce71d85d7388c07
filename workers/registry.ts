import { callbackDeliveryWorker } from './callback-delivery.js';
import { upstreamPollingWorker } from './upstream-polling.js';
import type { WorkerDefinition } from './worker-definition.js';

/** Every queue consumer; the `workers` role starts all of them. */
export const workerDefinitions: WorkerDefinition[] = [callbackDeliveryWorker, upstreamPollingWorker];
