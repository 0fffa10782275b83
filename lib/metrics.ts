// The product's own metrics: names, units and buckets, in one place for the workflow and the
// activities that record them and the worker that exports them (worker/telemetry.ts). Every
// one carries the label `install` (the install id); what else, each says.

/** Gauge, labels install and state: 1 for the state the install is in, 0 for those it left. Installs by state: sum by (state). */
export const INSTALL_STATE = 'katonic_install_state';
/** Histogram in seconds, labels install, phase and outcome (completed, failed, cancelled): each run of a phase, retries included. */
export const PHASE_DURATION = 'katonic_phase_duration_seconds';
/** Counter, labels install and phase: Ansible events read; its rate is events per second. */
export const ANSIBLE_EVENTS = 'katonic_ansible_events_total';
/** Histogram in seconds, labels install and reason (approval, failed-phase): each wait for a person. */
export const OPERATOR_WAIT = 'katonic_operator_wait_seconds';

/** A phase takes seconds (inventory) to hours (Kubespray on a large cluster). */
export const PHASE_SECONDS_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400];
/** People answer in minutes to days. */
export const WAIT_SECONDS_BUCKETS = [10, 60, 300, 900, 1800, 3600, 4 * 3600, 12 * 3600, 86400, 3 * 86400];
