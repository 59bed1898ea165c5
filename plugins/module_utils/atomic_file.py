# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Files the lab writes, made anew: never opened, truncated or followed through what is planted at their name.

Root writes state files in directories someone else may rearrange (a student is root on the VM; every docker-group
member may write the progress directory): a hard link to /etc/shadow, a FIFO or a symbolic link may wait at the
name. `write()` never opens that name. It makes a temporary file beside it, with an unpredictable name and
O_CREAT|O_EXCL|O_NOFOLLOW (nothing already there is ever opened), the mode set at creation and again by fchmod (the
umask does not matter), writes, fsyncs and closes it, and renames it over the name with os.replace, which replaces
the entry there (a link itself, never its target; a hard link's other names keep their content). The directory is
then fsync'ed, so that the rename outlives a crash. On any error, the temporary file is removed and the old file is
left as it was. Every step is taken relative to one descriptor of the directory, so the directory cannot be swapped
between them; `refuse_dir_link=True` also refuses a directory whose own name is a symbolic link.
`create_new()` gives a descriptor of a file made anew at a name (whatever was there unlinked, never opened), for
what is written as it goes, such as a child's error output.
Standard library only: it runs in modules and on the VM's /usr/bin/python3 (the `lab` command, the recorder).
"""

from __future__ import annotations

import contextlib
import os
import secrets

NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
NAME_KEPT = 200
"""The characters of the file's name kept in the temporary's (with its dot and 32 hex digits, under NAME_MAX)."""


def create_new(path, mode):
    """A descriptor, for writing, of a file made anew at path with exactly mode: whatever had that name (a hard link
    to another file, a FIFO, a link) is unlinked first, never opened, truncated or followed."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    handle = os.open(path, NEW_FILE, mode)
    try:
        os.fchmod(handle, mode)
    except BaseException:
        os.close(handle)
        raise
    return handle


def write(path, data, mode=0o600, refuse_dir_link=False):
    """Replace the file at path by one holding data (bytes, or str written as UTF-8) and exactly mode, whole or
    not at all (see the module's description). The file belongs to whoever runs this. With refuse_dir_link, a
    directory whose name is a symbolic link is refused (OSError, ELOOP) before anything is written."""
    if isinstance(data, str):
        data = data.encode('utf-8')
    directory, name = os.path.split(path)
    folder = os.open(directory or '.', DIRECTORY | (os.O_NOFOLLOW if refuse_dir_link else 0))
    try:
        temporary = '.%s.%s' % (name[:NAME_KEPT], secrets.token_hex(16))
        handle = os.open(temporary, NEW_FILE, mode, dir_fd=folder)
        try:
            try:
                os.fchmod(handle, mode)
                _write_all(handle, data)
                os.fsync(handle)
            finally:
                os.close(handle)
            os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=folder)
            raise
        with contextlib.suppress(OSError):
            os.fsync(folder)  # some filesystems refuse to sync a directory: the file itself is already on disk
    finally:
        os.close(folder)


def _write_all(handle, data):
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view):]
