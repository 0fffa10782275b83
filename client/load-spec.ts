// Reads an install spec file: validated, relative paths made absolute. Exit 2 on bad input.
import { dirname, resolve } from 'node:path';
import { acceptSpec } from '../lib/spec/accept.js';
import type { Installation } from '../lib/spec/schema.js';
import type { SpecError } from '../lib/spec/validate.js';
import { CliError } from './cli-error.js';
import { readInputFile } from './read-input-file.js';

export class SpecInvalidError extends CliError {
  constructor(
    readonly file: string,
    readonly errors: SpecError[],
  ) {
    super(`${file}: ${errors.length} error${errors.length > 1 ? 's' : ''}\n${errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`, 2);
  }
}

export async function loadSpec(file: string): Promise<Installation> {
  const result = acceptSpec({ text: await readInputFile(file) }, dirname(resolve(file)));
  if (!result.ok) throw new SpecInvalidError(file, result.errors);
  return result.spec;
}
