# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Enter a network namespace with setns(2) for the current thread, and always come back."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os

CLONE_NEWNET = 0x40000000
OWN_NETNS = '/proc/thread-self/ns/net'

_LIBC = []


def _libc_setns(fd, nstype):
    """setns(2) through libc, for Python < 3.12."""
    if not _LIBC:
        _LIBC.append(ctypes.CDLL(ctypes.util.find_library('c') or None, use_errno=True))
    if _LIBC[0].setns(fd, nstype) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def setns(fd, nstype=CLONE_NEWNET):
    """Move the calling thread into the namespace open at fd."""
    native = getattr(os, 'setns', None)
    if native is not None:
        native(fd, nstype)
    else:
        _libc_setns(fd, nstype)


def host_ns_path(kind='net'):
    """PID 1's namespace file, or our own when a sandbox hides PID 1 (EACCES even for root)."""
    path = '/proc/1/ns/%s' % kind
    try:
        os.stat(path)
        return path
    except PermissionError:
        return '/proc/self/ns/%s' % kind


def netns_inode(path):
    """Inode number of a namespace file, e.g. /proc/<pid>/ns/net."""
    return os.stat(path).st_ino


@contextlib.contextmanager
def entered_netns(path):
    """Run the body inside the network namespace at path; switch back even on error.

    Raises OSError (EINVAL when path is not a network namespace, EPERM without root).
    """
    own = os.open(OWN_NETNS if os.path.exists(OWN_NETNS) else '/proc/self/ns/net', os.O_RDONLY | os.O_CLOEXEC)
    try:
        target = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            setns(target, CLONE_NEWNET)
        finally:
            os.close(target)
        try:
            yield
        finally:
            setns(own, CLONE_NEWNET)
    finally:
        os.close(own)


def is_permission_error(exc):
    """True for EPERM/EACCES, which mean 'run as root'."""
    return isinstance(exc, OSError) and exc.errno in (errno.EPERM, errno.EACCES)
