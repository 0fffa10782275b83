// Reads the installer's Ansible files back the way Ansible's loader sees the data: `!unsafe`
// scalars are strings (marked as such, so tests can tell tagged from plain).
import yaml from 'js-yaml';

export class UnsafeText {
  constructor(readonly text: string) {}
}

const unsafeTag = new yaml.Type('!unsafe', { kind: 'scalar', construct: (data: string) => data });
const markedTag = new yaml.Type('!unsafe', { kind: 'scalar', construct: (data: string) => new UnsafeText(data) });

/** The data in an inert YAML file: tagged strings as plain strings. */
export const readInertYaml = (text: string): unknown => yaml.load(text, { schema: yaml.CORE_SCHEMA.extend([unsafeTag]) });

/** The same, tagged strings as UnsafeText, to see which strings are tagged. */
export const readInertYamlMarked = (text: string): unknown => yaml.load(text, { schema: yaml.CORE_SCHEMA.extend([markedTag]) });
