// Failure messages and stack traces go into the encoded attributes of a failure, where the
// payload codec seals them like any payload. Loaded by path (the worker's data converter
// and the workflow bundle need a module), so it is a module of its own.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
