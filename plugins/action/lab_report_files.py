# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Action plugin of microlab.docker_internals.lab_report_files (documented in plugins/modules/lab_report_files.py)."""
from __future__ import annotations

import os

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_bytes
from ansible.plugins.action import ActionBase

from ansible_collections.microlab.docker_internals.plugins.module_utils import atomic_file


def write_file(directory, name, content, mode):
    """Write content to directory/name whole or not at all; True when it changed.

    A new file takes the old one's place by rename (atomic_file): a link left at that name is replaced, never followed.
    """
    path = os.path.join(directory, name)
    data = to_bytes(content, errors='surrogate_or_strict')
    try:
        with open(path, 'rb') as handle:
            if not os.path.islink(path) and handle.read() == data and (os.stat(path).st_mode & 0o7777) == mode:
                return False
    except OSError:
        pass
    atomic_file.write(path, data, mode)
    return True


class ActionModule(ActionBase):
    """Write the class report's files on the controller, without a module process per file."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _VALID_ARGS = frozenset(('dir', 'files'))

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        directory = self._task.args.get('dir')
        files = self._task.args.get('files')
        if not isinstance(directory, str) or not directory:
            raise AnsibleActionFail('lab_report_files: dir must be a directory path')
        if not isinstance(files, dict) or not all(
                isinstance(name, str) and name and os.path.basename(name) == name and name not in ('.', '..')
                and isinstance(content, str) for name, content in files.items()):
            raise AnsibleActionFail('lab_report_files: files must map plain file names to their text')
        directory = os.path.expanduser(directory)
        result['dir'] = directory
        result['paths'] = [os.path.join(directory, name) for name in sorted(files)]
        if self._task.check_mode:
            result['changed'] = True
            return result
        try:
            if not os.path.isdir(directory):
                os.makedirs(directory, mode=0o755)
                result['changed'] = True
            for name in sorted(files):
                if write_file(directory, name, files[name], 0o644):
                    result['changed'] = True
        except OSError as exc:
            raise AnsibleActionFail('lab_report_files: cannot write the report under %s: %s' % (directory, exc))
        result.setdefault('changed', False)
        return result
