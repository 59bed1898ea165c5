# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Parsers for /proc and /etc text: socket tables, status, id maps, passwd, subuid.

Every file is read through safe_read(): the modules run as root and some files
(a container's /etc/passwd) are under the control of a container's user.
"""

from __future__ import annotations

import errno
import os
import socket
import stat
import sys

MAX_BYTES = 1024 * 1024
"""Default size limit of safe_read(): far above any passwd, status or id map."""

NET_TABLE_MAX_BYTES = 128 * 1024 * 1024
"""Size limit of one /proc/<pid>/net table (about 150 bytes per socket)."""

_O_PATH = getattr(os, 'O_PATH', 0)

NET_TABLES = (
    ('tcp', socket.AF_INET, 'tcp'),
    ('tcp6', socket.AF_INET6, 'tcp'),
    ('udp', socket.AF_INET, 'udp'),
    ('udp6', socket.AF_INET6, 'udp'),
)


def decode_hex_address(text, byteorder=None):
    """Raw address bytes from /proc/net hex: each 32-bit word is printed in host order."""
    byteorder = byteorder or sys.byteorder
    raw = bytes.fromhex(text)
    if byteorder == 'big':
        return raw
    return b''.join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))


def parse_net_table(text, family, proto, byteorder=None):
    """Socket records from the text of /proc/<pid>/net/{tcp,tcp6,udp,udp6}."""
    records = []
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 10:
            continue
        local, remote = fields[1], fields[2]
        laddr, lport = local.split(':')
        raddr, rport = remote.split(':')
        records.append({
            'proto': proto,
            'family': family,
            'src': decode_hex_address(laddr, byteorder),
            'sport': int(lport, 16),
            'dst': decode_hex_address(raddr, byteorder),
            'dport': int(rport, 16),
            'state': int(fields[3], 16),
            'uid': int(fields[7]),
            'inode': int(fields[9]),
            'v6only': False if family == socket.AF_INET else None,
        })
    return records


def parse_status(text):
    """Name, Uid, Gid and NSpid of /proc/<pid>/status (ids as lists of int)."""
    result = {'name': None, 'uid': [], 'gid': [], 'nspid': []}
    for line in text.splitlines():
        key, _sep, value = line.partition(':')
        if key == 'Name':
            result['name'] = value.strip()
        elif key in ('Uid', 'Gid', 'NSpid'):
            result[key.lower()] = [int(v) for v in value.split()]
    return result


def parse_id_map(text):
    """Lines of /proc/<pid>/uid_map or gid_map as [{inside, outside, count}]."""
    entries = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) == 3:
            entries.append({'inside': int(fields[0]), 'outside': int(fields[1]), 'count': int(fields[2])})
    return entries


def parse_passwd(text):
    """Map uid -> user name from the text of an /etc/passwd file (first entry wins)."""
    users = {}
    for line in text.splitlines():
        fields = line.split(':')
        if len(fields) < 3 or line.startswith('#'):
            continue
        try:
            uid = int(fields[2])
        except ValueError:
            continue
        users.setdefault(uid, fields[0])
    return users


def parse_subid(text):
    """Lines of /etc/subuid or /etc/subgid as [{owner, start, count}]."""
    ranges = []
    for line in text.splitlines():
        fields = line.strip().split(':')
        if len(fields) != 3 or line.startswith('#'):
            continue
        try:
            ranges.append({'owner': fields[0], 'start': int(fields[1]), 'count': int(fields[2])})
        except ValueError:
            continue
    return ranges


class UnsafeFileError(OSError):
    """A file safe_read() refuses: a link, not a regular file, outside its root, or too large."""


def _refuse(code, reason, path):
    return UnsafeFileError(code, reason, path)


def _open_path(path, root):
    """A descriptor of the file itself, never of what a link points to.

    With `root`, `path` is relative to it and no component may be a link, `.` or `..`:
    a container cannot point root at a host file. Without `root`, only the last
    component is not followed (the path is the kernel's or the host's, e.g. /proc/thread-self).
    The descriptor is O_PATH where the platform has it, so nothing (a FIFO, a device) is opened yet.
    """
    last_flags = (_O_PATH or (os.O_RDONLY | os.O_NONBLOCK)) | os.O_NOFOLLOW | os.O_CLOEXEC
    if root is None:
        return os.open(path, last_flags)
    parts = path.split('/')
    if not path or path.startswith('/') or any(p in ('', '.', '..') for p in parts):
        raise _refuse(errno.EINVAL, 'not a plain relative path', path)
    dir_flags = (_O_PATH or os.O_RDONLY) | os.O_DIRECTORY | os.O_CLOEXEC
    current = os.open(root, dir_flags)  # the root itself, e.g. the /proc/<pid>/root magic link
    try:
        for part in parts[:-1]:
            following = os.open(part, dir_flags | os.O_NOFOLLOW, dir_fd=current)
            os.close(current)
            current = following
        return os.open(parts[-1], last_flags, dir_fd=current)
    finally:
        os.close(current)


def _open_regular(path, root):
    """A readable, non-blocking descriptor of a regular file; UnsafeFileError for anything else."""
    shown = path if root is None else '%s/%s' % (root, path)
    handle = _open_path(path, root)
    keep = False
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(errno.EINVAL, 'not a regular file', shown)
        if not _O_PATH:
            keep = True
            return handle
        # Re-open the very inode checked above, not the path again (it may have changed).
        readable = os.open('/proc/self/fd/%d' % handle, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    finally:
        if not keep:
            os.close(handle)
    if (os.fstat(readable).st_ino, os.fstat(readable).st_dev) != (info.st_ino, info.st_dev):
        os.close(readable)
        raise _refuse(errno.EINVAL, 'file changed while opening it', shown)
    return readable


def safe_lstat(path, root=None):
    """lstat of path: with `root`, relative to it with no link followed on the way nor at the end; nothing is
    opened for reading (a device or a FIFO stays closed). Raises OSError."""
    handle = _open_path(path, root)
    try:
        return os.fstat(handle)
    finally:
        os.close(handle)


def safe_read(path, root=None, limit=MAX_BYTES, truncate=False):
    """Bytes of a regular file, read as root without trusting whoever controls the file.

    `root` (e.g. /proc/<pid>/root) makes `path` relative to it, with no link followed on the
    way. Links, FIFOs, devices and sockets are refused without blocking; more than `limit`
    bytes are refused, or cut at `limit` with `truncate`. /proc files have no size in
    stat, so the limit is applied while reading. Raises OSError (UnsafeFileError for refusals).
    """
    handle = _open_regular(path, root)
    chunks, size = [], 0
    try:
        while size <= limit:
            chunk = os.read(handle, min(65536, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(handle)
    data = b''.join(chunks)
    if size > limit:
        if not truncate:
            shown = path if root is None else '%s/%s' % (root, path)
            raise _refuse(errno.EFBIG, 'larger than %d bytes' % limit, shown)
        data = data[:limit]
    return data


def read_text(path, root=None, limit=MAX_BYTES):
    """Whole file as text through safe_read(); errors propagate (callers decide what a vanished
    process means)."""
    return safe_read(path, root=root, limit=limit).decode('utf-8', 'replace')


def read_net_tables(proc_net_dir, byteorder=None):
    """All TCP/UDP socket records from a /proc/.../net directory."""
    records = []
    for name, family, proto in NET_TABLES:
        try:
            text = read_text('%s/%s' % (proc_net_dir, name), limit=NET_TABLE_MAX_BYTES)
        except FileNotFoundError:
            continue  # no IPv6 in this kernel
        records.extend(parse_net_table(text, family, proto, byteorder))
    return records
