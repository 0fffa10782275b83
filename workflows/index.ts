// The workflows this worker runs.
export { install } from './install.js';
