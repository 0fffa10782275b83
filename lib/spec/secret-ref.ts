// A secret is named, never given: `env:NAME` or `file:PATH`. The value itself is never echoed.
import { z } from 'zod';
import { SECRET_REF } from '../vars/secret-refs.js';

export const secretRef = z.string().regex(SECRET_REF, 'expected a secret reference "env:NAME" or "file:PATH" (secrets are never written into a spec)');
