// An install task queue and the one its Ansible steps wait on (workflows/phase-steps.ts), which
// the same workers poll with a few slots of their own (worker/create-worker.ts). Imported by the
// workflow bundle: nothing here may touch Node.js.

export const ANSIBLE_QUEUE_SUFFIX = '-ansible';

export const ansibleTaskQueue = (installQueue: string): string => `${installQueue}${ANSIBLE_QUEUE_SUFFIX}`;

/**
 * The install queue an activity ran for, from the queue it ran on: the durations book is the
 * install queue's, whichever of the two an activity waited on. A worker refuses an install queue
 * that ends like an Ansible queue (client/commands/worker.ts), so this cannot mistake one.
 */
export const installTaskQueueOf = (activityQueue: string): string =>
  activityQueue.endsWith(ANSIBLE_QUEUE_SUFFIX) ? activityQueue.slice(0, -ANSIBLE_QUEUE_SUFFIX.length) : activityQueue;
