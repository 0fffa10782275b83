// The data converter every client and worker of the installer uses: the default payload
// converter, the sealing codec, and the failure converter that seals messages and traces.
import { fileURLToPath } from 'node:url';
import { defaultPayloadConverter, type DataConverter, type LoadedDataConverter } from '@temporalio/common';
import { AesGcmCodec } from './aes-gcm-codec.js';
import { failureConverter } from './failure-converter.js';
import type { KeyRing } from './key-ring.js';

/** Workers load the failure converter by path (it is bundled into the workflow code too). */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.js', import.meta.url));

/** For Worker.create: the failure converter by path, as the worker and its bundle load it. */
export const sealingWorkerDataConverter = (ring: KeyRing): DataConverter => ({
  payloadCodecs: [new AesGcmCodec(ring)],
  failureConverterPath: FAILURE_CONVERTER_PATH,
});

/** For clients: the same converters, already loaded (clients take them as they are). */
export const sealingClientDataConverter = (ring: KeyRing): LoadedDataConverter => ({
  payloadConverter: defaultPayloadConverter,
  failureConverter,
  payloadCodecs: [new AesGcmCodec(ring)],
});
