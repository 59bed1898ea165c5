# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""lab_report_files writes the report whole, reports changes, and never follows a link at a file's name."""

from __future__ import annotations

import os
import stat

from ansible_collections.microlab.docker_internals.plugins.action import lab_report_files


def test_write_file_writes_then_reports_no_change(tmp_path):
    assert lab_report_files.write_file(str(tmp_path), 'report.json', '{"a": 1}\n', 0o644) is True
    path = tmp_path / 'report.json'
    assert path.read_text() == '{"a": 1}\n'
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o644
    assert lab_report_files.write_file(str(tmp_path), 'report.json', '{"a": 1}\n', 0o644) is False
    assert lab_report_files.write_file(str(tmp_path), 'report.json', '{"a": 2}\n', 0o644) is True
    assert path.read_text() == '{"a": 2}\n'


def test_write_file_fixes_the_mode(tmp_path):
    path = tmp_path / 'report.html'
    path.write_text('<p>x</p>')
    os.chmod(str(path), 0o600)
    assert lab_report_files.write_file(str(tmp_path), 'report.html', '<p>x</p>', 0o644) is True
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o644


def test_write_file_replaces_a_link_instead_of_following_it(tmp_path):
    target = tmp_path / 'elsewhere'
    target.write_text('keep me')
    link = tmp_path / 'report.html'
    link.symlink_to(target)
    assert lab_report_files.write_file(str(tmp_path), 'report.html', 'keep me', 0o644) is True
    assert not link.is_symlink() and link.read_text() == 'keep me'
    assert target.read_text() == 'keep me'
    assert lab_report_files.write_file(str(tmp_path), 'report.html', '<p>new</p>', 0o644) is True
    assert target.read_text() == 'keep me' and link.read_text() == '<p>new</p>'
    assert sorted(os.listdir(str(tmp_path))) == ['elsewhere', 'report.html'], 'a temporary file was left behind'
