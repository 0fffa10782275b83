// A secret that travels between activities through the workflow (Kubespray's admin.conf):
// sealed once more, inside the payload, with the same codec and keys. The payload codec
// already seals it on the wire and in history; this inner seal keeps it ciphertext where the
// codec server opens payloads for people (the Web UI, `temporal workflow show`). Only a
// worker, which holds the keys and needs the value, opens it.
import { defaultPayloadConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { AesGcmCodec } from './aes-gcm-codec.js';
import type { KeyRing } from './key-ring.js';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

/** The sealed text: a sealed payload, as protobuf in base64. */
export interface SealedValue {
  sealed: string;
}

export async function sealValue(ring: KeyRing, text: string): Promise<SealedValue> {
  const [payload] = await new AesGcmCodec(ring).encode([defaultPayloadConverter.toPayload(text)]);
  return { sealed: Buffer.from(PayloadMessage.encode(payload!).finish()).toString('base64') };
}

export async function openValue(ring: KeyRing, value: SealedValue): Promise<string> {
  const [payload] = await new AesGcmCodec(ring).decode([PayloadMessage.decode(Buffer.from(value.sealed, 'base64'))]);
  return defaultPayloadConverter.fromPayload<string>(payload!);
}
