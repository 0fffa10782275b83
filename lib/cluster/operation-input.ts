// What a day-2 command takes besides a file (`kinstall upgrade NAME --kube 1.34.2`, `remove-node
// NAME NODE`), checked with the spec's own rules for the same fields, so a value is accepted on the
// command line exactly when it would be in a spec. Each problem is one line naming the argument;
// like spec errors, it does not repeat the refused value.
import type { z } from 'zod';
import { dnsLabelSchema, katonicVersionSchema, kubeVersionSchema } from '../spec/schema.js';
import { issueMessage } from '../spec/validate.js';

function inputProblem(argument: string, schema: z.ZodType, value: unknown): string | undefined {
  const issue = schema.safeParse(value).error?.issues[0];
  return issue && `${argument}: ${issueMessage(issue)}`;
}

/** `--kube` (or a ticket's field, `argument`), as spec.onprem.kubeVersion. */
export const validateKubeVersion = (value: unknown, argument = '--kube'): string | undefined => inputProblem(argument, kubeVersionSchema, value);

/** `--katonic` (or a ticket's field, `argument`), as spec.katonic.version. */
export const validateKatonicVersion = (value: unknown, argument = '--katonic'): string | undefined => inputProblem(argument, katonicVersionSchema, value);

/** The cluster's NAME, as the spec's metadata.name. */
export const validateClusterName = (value: unknown): string | undefined => inputProblem('NAME', dnsLabelSchema, value);

/** `remove-node`'s NODE, as a node's name in spec.onprem.nodes. */
export const validateNodeName = (value: unknown): string | undefined => inputProblem('NODE', dnsLabelSchema, value);
