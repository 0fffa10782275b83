// Who runs a CLI command: the OS user, or `--as NAME` (a shared operator account, a person's
// directory name). Recorded with the request; a gate's named approvers and its four-eyes rule
// compare against it.
import { userInfo } from 'node:os';
import type { Actor } from '../lib/install/actor.js';
import { CliError } from './cli-error.js';

const ACTOR_NAME = /^[^\p{Cc}]{1,128}$/u;

export function cliActor(as?: string): Actor {
  if (as !== undefined && !ACTOR_NAME.test(as)) throw new CliError('--as: expected a user name of 1 to 128 characters without control characters', 2);
  return { name: as ?? userInfo().username, via: 'cli' };
}
