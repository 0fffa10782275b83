// What the Katonic platform expects of a cluster (the seed's cluster requirements).
export const STORAGE_CLASSES = { rwo: 'kdisk', rwx: 'kfs' } as const;

/** Namespaces the Katonic role creates; `verify` checks they exist. */
export const KATONIC_NAMESPACES = ['katonic-system', 'katonic-platform', 'katonic-workloads'] as const;
