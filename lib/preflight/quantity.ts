// Kubernetes resource quantities ("7820m", "32561100Ki", "16Gi", "1e3") as numbers.
// Written here because @kubernetes/client-node's quantityToScalar returns a BigInt for
// decimal suffixes and throws on "1.5Gi"; node status values need neither.
const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** The quantity's value (CPUs, bytes, devices); undefined when it is not a quantity. */
export function parseQuantity(text: string | undefined): number | undefined {
  const match = QUANTITY.exec((text ?? '').trim());
  if (!match) return undefined;
  const [, number, exponent, suffix] = match;
  return Number(number) * (exponent !== undefined ? 10 ** Number(exponent) : SUFFIX[suffix ?? '']!);
}

export const GIB = 2 ** 30;
