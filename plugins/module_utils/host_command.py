# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A command the lab runs as root on the VM (ip, umount, rm): an argv, never a shell, and its failure as an error
that says what failed. Standard library only."""

from __future__ import annotations

import errno
import subprocess


class HostError(OSError):
    """A command or a write on the VM failed: the module fails with this text."""


def run(argv, timeout=30):
    """Run argv (never a shell); its stdout; HostError with its stderr when it fails."""
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise HostError(errno.EIO, '%s: %s' % (' '.join(argv), exc))
    if done.returncode != 0:
        raise HostError(errno.EIO, '%s: %s' % (' '.join(argv), done.stderr.decode('utf-8', 'replace').strip()))
    return done.stdout.decode('utf-8', 'replace')
