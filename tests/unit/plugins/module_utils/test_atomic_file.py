# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""atomic_file writes the lab's state files as root in directories somebody else may rearrange: whatever is planted
at the target's name (a hard link to another file, a symbolic link, a FIFO) is replaced, never written through,
followed or waited on; a write that fails half way leaves the old file and no temporary; the mode is the one asked,
whatever the umask. Every test plants that state under tmp_path, with real files."""

from __future__ import annotations

import contextlib
import os
import stat
import threading

import pytest

from ansible_collections.microlab.docker_internals.plugins.action import lab_report_files
from ansible_collections.microlab.docker_internals.plugins.module_utils import (
    atomic_file, lab_make, lab_recorder, lab_steps, scratch_host, service_supervisor)


@pytest.fixture
def victim(tmp_path):
    """A file beside the target that must keep its content (as /etc/shadow would)."""
    path = tmp_path / 'victim'
    path.write_text('root:secret\n')
    return path


@contextlib.contextmanager
def umask(value):
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_file_holds_the_data_and_nothing_else_is_left(tmp_path):
    target = tmp_path / 'state.json'
    atomic_file.write(str(target), '{"é": 1}\n')
    assert target.read_bytes() == '{"é": 1}\n'.encode('utf-8')
    atomic_file.write(str(target), b'second')
    assert target.read_bytes() == b'second' and os.listdir(str(tmp_path)) == ['state.json']


def test_a_hard_link_planted_at_the_target_is_not_written_through(tmp_path, victim):
    target = tmp_path / 'state.json'
    os.link(str(victim), str(target))
    atomic_file.write(str(target), b'{}')
    assert victim.read_text() == 'root:secret\n' and os.stat(str(victim)).st_nlink == 1
    assert target.read_bytes() == b'{}'


def test_a_symbolic_link_at_the_target_is_replaced_not_followed(tmp_path, victim):
    target = tmp_path / 'state.json'
    target.symlink_to(victim)
    atomic_file.write(str(target), b'{}')
    assert victim.read_text() == 'root:secret\n'
    assert not target.is_symlink() and target.read_bytes() == b'{}'


def test_a_fifo_at_the_target_does_not_block_the_write(tmp_path):
    target = tmp_path / 'state.json'
    os.mkfifo(str(target))
    thread = threading.Thread(target=atomic_file.write, args=(str(target), b'{}'), daemon=True)
    thread.start()
    thread.join(10)
    blocked = thread.is_alive()
    if blocked:  # unblock the open of the FIFO, so that the test ends
        os.close(os.open(str(target), os.O_RDONLY | os.O_NONBLOCK))
        thread.join(10)
    assert not blocked, 'the write waited on a FIFO planted at its target'
    assert stat.S_ISREG(os.lstat(str(target)).st_mode) and target.read_bytes() == b'{}'


class Crash(Exception):
    """Not an OSError: any exception during the write must clean up."""


def test_a_crash_mid_write_leaves_the_old_content_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / 'state.json'
    target.write_bytes(b'old')
    real = atomic_file._write_all

    def half_then_crash(handle, data):
        real(handle, data[:len(data) // 2])
        raise Crash('the process died half way')
    monkeypatch.setattr(atomic_file, '_write_all', half_then_crash)
    with pytest.raises(Crash):
        atomic_file.write(str(target), b'new content, long enough to be cut in two')
    assert target.read_bytes() == b'old' and os.listdir(str(tmp_path)) == ['state.json']


@pytest.mark.parametrize('mode', [0o600, 0o644, 0o660], ids=oct)
def test_the_file_has_the_mode_asked_whatever_the_umask(tmp_path, mode):
    target = tmp_path / 'state.json'
    target.write_bytes(b'old')
    os.chmod(str(target), 0o666)
    with umask(0o077):
        atomic_file.write(str(target), b'{}', mode)
    assert stat.S_IMODE(os.lstat(str(target)).st_mode) == mode


def test_the_default_mode_is_the_owners_only(tmp_path):
    with umask(0):
        atomic_file.write(str(tmp_path / 'state.json'), b'{}')
    assert stat.S_IMODE(os.lstat(str(tmp_path / 'state.json')).st_mode) == 0o600


def test_a_directory_that_is_a_link_is_refused_when_asked_and_nothing_is_written(tmp_path):
    real = tmp_path / 'elsewhere'
    real.mkdir()
    (tmp_path / 'state').symlink_to(real)
    with pytest.raises(OSError):
        atomic_file.write(str(tmp_path / 'state' / 'state.json'), b'{}', refuse_dir_link=True)
    assert os.listdir(str(real)) == []
    atomic_file.write(str(tmp_path / 'state' / 'state.json'), b'{}')  # by default a linked directory is written in
    assert os.listdir(str(real)) == ['state.json']


def test_the_file_then_its_directory_are_synced(tmp_path, monkeypatch):
    synced = []
    real = os.fsync

    def fsync(handle):
        synced.append(stat.S_IFMT(os.fstat(handle).st_mode))
        real(handle)
    monkeypatch.setattr(atomic_file.os, 'fsync', fsync)
    atomic_file.write(str(tmp_path / 'state.json'), b'{}')
    assert synced == [stat.S_IFREG, stat.S_IFDIR]


def test_the_temporary_name_is_not_predictable(tmp_path, monkeypatch):
    names = []
    real = os.replace

    def replace(source, destination, **kwargs):
        names.append(source)
        real(source, destination, **kwargs)
    monkeypatch.setattr(atomic_file.os, 'replace', replace)
    for attempt in (1, 2):
        atomic_file.write(str(tmp_path / 'state.json'), b'{}')
    assert len(set(names)) == 2 and all(name.startswith('.state.json.') and len(name) >= 32 for name in names)


def test_create_new_unlinks_what_was_planted_and_opens_a_new_file_with_the_mode_asked(tmp_path, victim):
    target = tmp_path / 'unshare.err'
    os.link(str(victim), str(target))
    with umask(0o077):
        handle = atomic_file.create_new(str(target), 0o640)
    with os.fdopen(handle, 'w') as out:
        out.write('said')
    assert victim.read_text() == 'root:secret\n' and target.read_text() == 'said'
    assert stat.S_IMODE(os.lstat(str(target)).st_mode) == 0o640
    os.unlink(str(target))
    os.mkfifo(str(target))
    os.close(atomic_file.create_new(str(target), 0o600))  # a FIFO there is unlinked, never opened
    assert stat.S_ISREG(os.lstat(str(target)).st_mode)


WRITERS = {
    'recorder runs.json': (lambda path: lab_recorder.save_record(path, lab_recorder.empty_record()), 0o644),
    'progress history': (lambda path: lab_steps.save_progress(path, lab_steps.empty_progress()), 0o660),
    'supervisor pid file': (lambda path: service_supervisor.write_pid(path, 1234), 0o644),
    'lab_make made-directories': (lambda path: lab_make.write_made(path, ['/srv/lab']), 0o600),
    'scratch state': (lambda path: scratch_host.write_state({'netns': []}), 0o600),
    'class report file': (lambda path: lab_report_files.write_file(os.path.dirname(path), 'state.json', 'x', 0o644), 0o644),
}


@pytest.mark.parametrize('writer', sorted(WRITERS))
def test_every_state_file_of_the_lab_is_written_by_atomic_file(tmp_path, victim, monkeypatch, writer):
    """Each writer, given a hard link to another file at its name and a 077 umask: the other file keeps its content,
    the new file has the writer's mode, nothing else is left in the directory."""
    write, mode = WRITERS[writer]
    directory = tmp_path / 'state'
    directory.mkdir(mode=0o700)
    target = directory / 'state.json'
    monkeypatch.setattr(scratch_host, 'STATE_DIR', str(directory))
    monkeypatch.setattr(scratch_host, 'STATE_FILE', str(target))
    os.link(str(victim), str(target))
    with umask(0o077):
        write(str(target))
    assert victim.read_text() == 'root:secret\n' and os.stat(str(victim)).st_nlink == 1
    assert stat.S_IMODE(os.lstat(str(target)).st_mode) == mode and os.listdir(str(directory)) == ['state.json']
