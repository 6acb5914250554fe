export { InkboxQueueService } from './inkbox-queue.service.js';
export { InkboxQueueInspector } from './inkbox-queue.inspector.js';
export { inkboxJobId } from './inkbox-job-id.js';
export type { InkboxJobData, InkboxFailedJob, InkboxQueueCounts } from './inkbox-job.interface.js';
export type { BullJobLike, BullQueueLike } from './bullmq.types.js';
