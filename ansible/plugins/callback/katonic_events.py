# Katonic installer: stdout callback that prints one JSON object per line.
#
# The installer's worker reads these lines to report progress. Nothing else is
# written to stdout; warnings and deprecations stay on stderr (Ansible's display).
from __future__ import annotations

import json
import os
import sys
import threading
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
    name: katonic_events
    type: stdout
    short_description: one JSON event per line, for the Katonic installer
    description:
      - Prints playbook, play, task, per-host result and stats events as JSON lines.
      - Loop items produce no events of their own; the task result is enough.
      - Results of no_log tasks are never printed.
'''

HIDDEN = '(output hidden by no_log)'
MAX_LINES = 20
MAX_CHARS = 4000
OUTPUT_KEYS = ('stdout', 'stderr', 'module_stdout', 'module_stderr', 'msg')


def _text(value):
    if value is None:
        return ''
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


def _tail(text):
    text = '\n'.join(text.rstrip('\n').splitlines()[-MAX_LINES:])
    return text[-MAX_CHARS:]


def _output(result):
    """The tail of what a failed task printed (its failed loop items too)."""
    parts = []
    for res in [result] + [r for r in result.get('results') or [] if isinstance(r, dict) and r.get('failed')]:
        parts.extend(_text(res.get(key)) for key in OUTPUT_KEYS)
    return _tail('\n'.join(p for p in parts if p.strip()))


def _hidden(result):
    # Ansible has usually censored a no_log result already (it keeps only "censored").
    res = result._result
    return (result._task.no_log is True) or bool(res.get('_ansible_no_log')) or 'censored' in res


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'katonic_events'

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()

    def _emit(self, event, **fields):
        line = json.dumps(dict(event=event, **fields), default=str)
        with self._lock:
            sys.stdout.write(line + '\n')
            sys.stdout.flush()

    @staticmethod
    def _task_name(task):
        # The plain task name (no "role : " prefix), as the stand-ins' journal uses.
        return (task.name or task.action or '').strip()

    def _runner(self, event, result, **fields):
        self._emit(event, task=self._task_name(result._task), host=result._host.get_name(), **fields)

    # playbook, play, task

    def v2_playbook_on_start(self, playbook):
        self._emit('playbook_start', playbook=os.path.basename(playbook._file_name))

    def v2_playbook_on_play_start(self, play):
        self._emit('play_start', play=play.get_name().strip())

    # Task starts and the stats carry their time (t, seconds since the epoch) and tasks their role:
    # the installer keeps each task's duration, by role and name, for its estimates.

    def _task_start(self, task):
        role = task._role.get_name() if task._role else None
        self._emit('task_start', task=self._task_name(task), role=role, t=round(time.time(), 3))

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._task_start(task)

    def v2_playbook_on_handler_task_start(self, task):
        self._task_start(task)

    def v2_playbook_on_cleanup_task_start(self, task):
        self._task_start(task)

    # per-host results (loop items deliberately produce nothing: CallbackBase no-ops)

    def v2_runner_on_ok(self, result):
        self._runner('runner_ok', result, changed=bool(result._result.get('changed', False)))

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if _hidden(result):
            msg, output = HIDDEN, ''
        else:
            res = result._result
            msg = _text(res.get('msg'))
            failed_items = [r for r in res.get('results') or [] if isinstance(r, dict) and r.get('failed')]
            if failed_items and (not msg or msg == 'One or more items failed'):
                msg = _text(failed_items[0].get('msg')) or msg
            output = _output(res)
        self._runner('runner_failed', result, ignored=bool(ignore_errors), msg=msg, output=output)

    def v2_runner_on_skipped(self, result):
        self._runner('runner_skipped', result)

    def v2_runner_on_unreachable(self, result):
        msg = HIDDEN if _hidden(result) else _text(result._result.get('msg'))
        self._runner('runner_unreachable', result, msg=msg)

    # end of run

    def v2_playbook_on_stats(self, stats):
        hosts = {}
        for host in sorted(stats.processed):
            s = stats.summarize(host)
            hosts[host] = {key: s[key] for key in ('ok', 'changed', 'failures', 'unreachable', 'skipped', 'rescued', 'ignored')}
        self._emit('stats', hosts=hosts, t=round(time.time(), 3))
