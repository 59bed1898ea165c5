# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Who may create a file in a directory, and who owns the files in it, as the host sees them.

A directory is opened component by component without following a link (root never follows a path someone else
controls), its entries are read with lstat, and whether a process may create a file there is asked of the host's
kernel: a child process takes that process's credentials (from /proc/PID/status) and calls faccessat(2) on the
directory for write and search, the kernel's own permission check, with its errno. Without root (the `lab` command
of a student) the credentials cannot be taken: the same decision is computed from the directory's owner and mode
bits, and said so. Either way it is the host's answer, never what the container printed. Standard library only.
"""

from __future__ import annotations

import ctypes
import errno
import itertools
import os
import re
import stat

from ansible_collections.microlab.docker_internals.plugins.module_utils import procfs

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# Entries read from one directory (someone else may fill it) and the names shown of them.
MAX_ENTRIES = 200
SHOWN_NAME = re.compile(r'^[A-Za-z0-9._-]{1,64}$')
WRITE_AND_SEARCH = os.W_OK | os.X_OK
# The child's exit code when it could not take the credentials (errno values are below 255).
NOT_ASKED = 255


def open_dir(path):
    """A descriptor of directory path itself: every component opened without following a link."""
    parts = [part for part in path.split('/') if part]
    if not path.startswith('/') or any(part in ('.', '..') for part in parts):
        raise OSError(errno.EINVAL, 'not an absolute path without . or ..', path)
    current = os.open('/', DIR_FLAGS)
    try:
        for part in parts:
            following = os.open(part, DIR_FLAGS, dir_fd=current)
            os.close(current)
            current = following
    except OSError:
        os.close(current)
        raise
    return current


def credentials(pid, proc='/proc'):
    """{'uid', 'gid', 'groups'} the kernel checks file access with (the filesystem UID and GID) of a process."""
    found = {'groups': []}
    for line in procfs.read_text('%s/%d/status' % (proc, pid)).splitlines():
        key, _sep, value = line.partition(':')
        if key in ('Uid', 'Gid'):
            found[key.lower()] = int(value.split()[3])
        elif key == 'Groups':
            found['groups'] = sorted(int(group) for group in value.split())
    if 'uid' not in found or 'gid' not in found:
        raise OSError(errno.EINVAL, 'no Uid or Gid line', '%s/%d/status' % (proc, pid))
    return found


def by_mode(owner, group, mode, creds):
    """The errno name creating a file in a directory gets from its owner, group and mode bits ('' when allowed).

    UID 0 passes (a container's root keeps CAP_DAC_OVERRIDE); ACLs are not read.
    """
    if creds['uid'] == 0:
        return ''
    if owner == creds['uid']:
        bits = mode >> 6
    elif group == creds['gid'] or group in creds['groups']:
        bits = mode >> 3
    else:
        bits = mode
    return '' if bits & 3 == 3 else 'EACCES'


def by_kernel(dir_fd, creds):
    """The errno name the kernel gives a process of these credentials asking to write in the directory ('' when
    allowed): a child takes them and calls faccessat(dir_fd, ".", W_OK | X_OK)."""
    libc = ctypes.CDLL(None, use_errno=True)
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's work is seen through its exit code
        code = NOT_ASKED
        try:
            os.setgroups(creds['groups'])
            os.setresgid(creds['gid'], creds['gid'], creds['gid'])
            os.setresuid(creds['uid'], creds['uid'], creds['uid'])
            code = 0 if libc.faccessat(dir_fd, b'.', WRITE_AND_SEARCH, 0) == 0 else ctypes.get_errno()
        finally:
            os._exit(code)
    _pid, status = os.waitpid(child, 0)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else NOT_ASKED
    if code == NOT_ASKED:
        raise OSError(errno.EPERM, 'could not take the credentials of UID %d' % creds['uid'])
    return errno.errorcode.get(code, str(code)) if code else ''


def describe(path):
    """{'path', 'uid', 'gid', 'mode', 'directory'} of path itself (lstat), or {'path', 'error'}."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        return {'path': path, 'error': exc.strerror or str(exc)}
    return {'path': path, 'uid': info.st_uid, 'gid': info.st_gid, 'mode': '%04o' % stat.S_IMODE(info.st_mode),
            'directory': stat.S_ISDIR(info.st_mode)}


def may_write(path, pid, proc='/proc'):
    """What the host says of process pid creating a file in directory path.

    {'path', 'uid', 'gid', 'groups', 'owner', 'group', 'mode', 'errno', 'method'} ('kernel' with root, else
    'mode'), or {'path', 'error'} when it cannot be said.
    """
    try:
        creds = credentials(pid, proc)
        handle = open_dir(path)
    except OSError as exc:
        return {'path': path, 'error': exc.strerror or str(exc)}
    try:
        info = os.fstat(handle)
        if os.geteuid() == 0:
            method, denied = 'kernel', by_kernel(handle, creds)
        else:
            method, denied = 'mode', by_mode(info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode), creds)
    except OSError as exc:
        return {'path': path, 'error': exc.strerror or str(exc)}
    finally:
        os.close(handle)
    return dict(creds, path=path, owner=info.st_uid, group=info.st_gid, mode='%04o' % stat.S_IMODE(info.st_mode),
                errno=denied, method=method)


def entries(path, limit=MAX_ENTRIES):
    """{'path', 'files': [{'name', 'uid', 'regular'}]} of the first `limit` entries of directory path (lstat, no
    link followed; a name of other characters than letters, digits and . _ - is shown as '?'), or {'path',
    'error'}."""
    try:
        handle = open_dir(path)
    except OSError as exc:
        return {'path': path, 'error': exc.strerror or str(exc)}
    try:
        with os.scandir(handle) as found:
            files = [_entry(item) for item in itertools.islice(found, limit)]
    except OSError as exc:
        return {'path': path, 'error': exc.strerror or str(exc)}
    finally:
        os.close(handle)
    return {'path': path, 'files': sorted((item for item in files if item), key=lambda item: item['name'])}


def _entry(item):
    try:
        info = item.stat(follow_symlinks=False)
    except OSError:
        return None
    return {'name': item.name if SHOWN_NAME.match(item.name) else '?', 'uid': info.st_uid,
            'regular': stat.S_ISREG(info.st_mode)}
