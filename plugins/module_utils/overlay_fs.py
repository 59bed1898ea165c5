# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read an overlay filesystem as the kernel and the engine show it, as plain data.

The engine's view is a container's ``GraphDriver`` (overlay2's LowerDir, UpperDir, WorkDir, MergedDir); the
kernel's is the root mount of the container's process in /proc/PID/mountinfo, whose ``lowerdir`` names
overlay2's short links (``<data root>/overlay2/l/<ID>``), resolved here by reading the link, never by following
it. Every path comes from the engine or from /proc and is kept only when it is plain, bounded and under the
engine's data root. What is inside an upperdir is the container's: it is read with no link followed on the way
or at the end (procfs.safe_lstat, procfs.safe_read) and at most MAX_TEXT bytes of it. Standard library only.
"""

from __future__ import annotations

import os
import re
import stat

from ansible_collections.microlab.docker_internals.plugins.module_utils import procfs

MAX_PATH = 1024
MAX_LAYERS = 500          # the kernel's own limit on an overlay's lower layers
MAX_TEXT = 4096
MAX_MOUNTINFO = 4 * 1024 * 1024
SHORT_LINK = re.compile(r'^[A-Z0-9]{26}$')
LAYER_LINK = re.compile(r'^\.\./([0-9a-f]{64}(-init)?)/diff$')
_ESCAPE = re.compile(r'\\([0-7]{3})')


def plain_under(path, root):
    """Whether path is absolute, normalized, at most MAX_PATH long and strictly under root."""
    return (isinstance(path, str) and isinstance(root, str) and 0 < len(path) <= MAX_PATH and path.startswith('/')
            and os.path.normpath(path) == path and path.startswith(root.rstrip('/') + '/'))


def storage(info):
    """The engine's storage driver and data root from its /info answer."""
    root = info.get('DockerRootDir') or ''
    status = dict((pair[0], pair[1]) for pair in info.get('DriverStatus') or [] if isinstance(pair, list) and len(pair) == 2)
    plain = isinstance(root, str) and root.startswith('/') and root != '/' and os.path.normpath(root) == root
    return {'driver': str(info.get('Driver') or ''), 'data_root': root if plain and len(root) <= MAX_PATH else '',
            'driver_type': str(status.get('driver-type') or '')}


def graph_driver(data, data_root):
    """A container's GraphDriver, its directories kept only under the data root ({'driver', 'lower', 'upper',
    'work', 'merged'} or with 'error')."""
    graph = data.get('GraphDriver') or {}
    dirs = graph.get('Data') or {}
    out = {'driver': str(graph.get('Name') or '')}
    if out['driver'] != 'overlay2':
        return out
    lower = (dirs.get('LowerDir') or '').split(':')[:MAX_LAYERS + 1]
    wanted = {'upper': dirs.get('UpperDir'), 'work': dirs.get('WorkDir'), 'merged': dirs.get('MergedDir')}
    if len(lower) > MAX_LAYERS or not all(plain_under(p, data_root) for p in lower + list(wanted.values())):
        out['error'] = 'outside'
        return out
    out.update(wanted, lower=lower)
    return out


def _unescape(text):
    return _ESCAPE.sub(lambda match: chr(int(match.group(1), 8)), text)


def parse_mountinfo(text):
    """[{'mount_point', 'fstype', 'source', 'options': {name: value}}] of /proc/PID/mountinfo, in order."""
    mounts = []
    for line in text.splitlines():
        fields = line.split(' ')
        if '-' not in fields[6:] or len(fields) < 10:
            continue
        dash = fields.index('-', 6)
        if len(fields) < dash + 4:
            continue
        options = {}
        for option in fields[dash + 3].split(','):
            name, _sep, value = option.partition('=')
            options[name] = _unescape(value)
        mounts.append({'mount_point': _unescape(fields[4]), 'fstype': fields[dash + 1],
                       'source': _unescape(fields[dash + 2]), 'options': options})
    return mounts


def overlay_view(mount):
    """An overlay mount's point and its lower, upper and work directories as the kernel lists them."""
    options = mount['options']
    lower = options.get('lowerdir')
    return {'mount_point': mount['mount_point'], 'fstype': mount['fstype'],
            'lower': lower.split(':')[:MAX_LAYERS + 1] if lower else [],
            'upper': options.get('upperdir') or '', 'work': options.get('workdir') or ''}


def read_mountinfo(path):
    """The mounts of a mountinfo file, or {'error'}."""
    try:
        return {'mounts': parse_mountinfo(procfs.safe_read(path, limit=MAX_MOUNTINFO).decode('utf-8', 'replace'))}
    except OSError as exc:
        return {'error': exc.strerror or str(exc)}


def root_mount(pid, proc='/proc'):
    """The root mount of process pid (the last one on / hides those before it), as overlay_view, or {'error'}."""
    found = read_mountinfo('%s/%d/mountinfo' % (proc, pid))
    if 'error' in found:
        return found
    roots = [m for m in found['mounts'] if m['mount_point'] == '/']
    return overlay_view(roots[-1]) if roots else {'error': 'no root mount'}


def resolve_lower(path, data_root):
    """A lowerdir as the engine names it: overlay2's short link <data root>/overlay2/l/<ID> read (never followed)
    as ../<layer>/diff; any other path kept when under the data root; None when neither."""
    links = data_root.rstrip('/') + '/overlay2/l/'
    if path.startswith(links) and SHORT_LINK.match(path[len(links):]):
        try:
            if not stat.S_ISLNK(os.lstat(path).st_mode):
                return None
            target = LAYER_LINK.match(os.readlink(path))
        except OSError:
            return None
        return '%s/overlay2/%s/diff' % (data_root.rstrip('/'), target.group(1)) if target else None
    return path if plain_under(path, data_root) else None


def resolved(view, data_root):
    """overlay_view with its lowerdirs resolved (resolve_lower) and its directories checked against the data root."""
    lower = [resolve_lower(p, data_root) for p in view.get('lower') or []]
    out = dict(view, lower=lower)
    if None in lower or not all(plain_under(view.get(key), data_root) for key in ('upper', 'work')):
        out['error'] = 'outside'
    return out


def _kind(mode):
    for kind, test in (('file', stat.S_ISREG), ('dir', stat.S_ISDIR), ('link', stat.S_ISLNK), ('chardev', stat.S_ISCHR)):
        if test(mode):
            return kind
    return 'other'


def entry(directory, relative):
    """What a layer directory holds at relative, without following any link: {'path', 'kind', 'rdev', 'text'}.

    kind: file, dir, link, chardev, other or missing; rdev: [major, minor] of a device (a whiteout is 0/0); text:
    a regular file's first MAX_TEXT bytes.
    """
    out = {'path': '%s/%s' % (directory, relative)}
    try:
        info = procfs.safe_lstat(relative, root=directory)
    except OSError as exc:
        out.update(kind='missing' if exc.errno == 2 else 'other', error=exc.strerror or str(exc))
        return out
    out['kind'] = _kind(info.st_mode)
    if out['kind'] == 'chardev':
        out['rdev'] = [os.major(info.st_rdev), os.minor(info.st_rdev)]
    if out['kind'] == 'file':
        try:
            out['text'] = procfs.safe_read(relative, root=directory, limit=MAX_TEXT, truncate=True).decode('utf-8', 'replace')
        except OSError as exc:
            out['error'] = exc.strerror or str(exc)
    return out


def in_lower(lower, relative):
    """entry() of relative in the topmost lower layer that has it (what the container would see without its
    upperdir), or the last layer's 'missing' entry."""
    found = {'path': relative, 'kind': 'missing'}
    for directory in lower:
        found = entry(directory, relative)
        if found['kind'] != 'missing':
            return found
    return found


def is_whiteout(found):
    """A character device 0/0: overlayfs' mark of a file deleted from the layers below."""
    return found.get('kind') == 'chardev' and found.get('rdev') == [0, 0]
