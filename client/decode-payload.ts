// A payload the client reads straight from the server's answers (a heartbeat in a
// description, the input in a history), decoded as the SDK decodes what it returns itself:
// through the client's codecs (unsealed), then its payload converter.
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';

export async function decodePayload<T>(client: Client, payload: Payload): Promise<T> {
  const { payloadCodecs, payloadConverter } = client.options.loadedDataConverter;
  let decoded = payload;
  for (const codec of [...payloadCodecs].reverse()) [decoded] = (await codec.decode([decoded])) as [Payload];
  return payloadConverter.fromPayload<T>(decoded);
}
