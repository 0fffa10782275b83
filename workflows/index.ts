// The workflows this worker runs.
export { cluster, scheduledDriftCheck } from './cluster.js';
export { clusterOperation, install } from './install.js';
export { ticketComment } from './ticket-comment.js';
export { taskDurations } from './task-durations.js';
export { ticketStatus } from './ticket-status.js';
