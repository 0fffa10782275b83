// The workflows this worker runs.
export { install } from './install.js';
export { ticketComment } from './ticket-comment.js';
