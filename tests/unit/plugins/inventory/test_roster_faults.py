# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Rosters as they arrive from a spreadsheet on a bad day: wrong encoding, broken quotes, a NUL byte,
YAML rows that are not rows, a file of blanks. Each is a clear AnsibleParserError naming the file
(or a skipped row with a warning), never a traceback."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleParserError

import test_roster
from test_roster import HEADER, members, parse, write

# The plugin loader set up as in test_roster.py (an autouse fixture, found here by its name).
collection_loader = test_roster.collection_loader


def write_bytes(tmp_path, data, name='class.csv'):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize('data, message', [
    (b'   \n\t\n', 'has no students'),
    ((HEADER + 'ana,192.0.2.11\n').encode('utf-16'), 'class.csv'),
    (HEADER.encode() + b'jos\xe9,192.0.2.11\n', 'class.csv'),
    (HEADER.encode() + b'ana,192.0.2.11\x00\n', 'holds NUL bytes'),
    (b'PK\x03\x04\x14\x00\x06\x00', 'holds NUL bytes'),
])
def test_unreadable_roster_fails_naming_the_file(tmp_path, data, message):
    with pytest.raises(AnsibleParserError) as caught:
        parse(write_bytes(tmp_path, data))
    assert message in str(caught.value)


def test_unbalanced_quote_does_not_swallow_the_class(tmp_path):
    """A stray quote makes the csv module read the rest of the file as one cell: that row is reported."""
    text = HEADER + 'ana,192.0.2.11\n"bruno,192.0.2.12\ncarla,192.0.2.13\n'
    try:
        inventory, warnings = parse(write(tmp_path, text))
    except AnsibleParserError as exc:
        assert 'class.csv' in str(exc)
        return
    assert members(inventory, 'lab_vms') == ['ana'] and warnings, (members(inventory, 'lab_vms'), warnings)
    assert 'line 3' in warnings[0]


def test_config_file_that_is_not_a_mapping(tmp_path):
    path = tmp_path / 'class.roster.yml'
    path.write_text('- student: ana\n  host: 192.0.2.11\n', encoding='utf-8')
    with pytest.raises(AnsibleParserError) as caught:
        parse(str(path))
    assert 'class.roster.yml: a roster configuration file must be a YAML mapping' in str(caught.value)


@pytest.mark.parametrize('text, message', [
    ('- just a string\n', 'has no students (1 bad row skipped)'),
    ('- 42\n- [a, b]\n', 'has no students (2 bad rows skipped)'),
    ('student: ana\nhost: 192.0.2.11\n', 'must hold a list of students'),
    ('- {student: ana, host: 192.0.2.11\n', 'is not valid YAML'),
])
def test_yaml_roster_that_is_not_a_list_of_rows(tmp_path, text, message):
    with pytest.raises(AnsibleParserError) as caught:
        parse(write(tmp_path, text, name='students.yml', strict='false'))
    assert message in str(caught.value) and 'students.yml' in str(caught.value)


def test_yaml_row_that_is_not_a_mapping_is_skipped_with_its_line(tmp_path):
    inventory, warnings = parse(write(tmp_path, '- {student: ana, host: 192.0.2.11}\n- 42\n', name='students.yml',
                                      strict='false'))
    assert members(inventory, 'lab_vms') == ['ana']
    assert warnings == ['students.yml line 2: not a mapping of column names to values; row skipped']


def run_from_checkout(*args):
    """An Ansible command from the checkout, with its ansible.cfg (as test_roster.ansible_inventory)."""
    command = test_roster.shutil.which(args[0], path=test_roster.os.path.dirname(test_roster.sys.executable))
    env = dict(test_roster.os.environ, ANSIBLE_FORCE_COLOR='0', ANSIBLE_NOCOLOR='1')
    for name in ('ANSIBLE_CONFIG', 'ANSIBLE_INVENTORY_ENABLED', 'ANSIBLE_INVENTORY'):
        env.pop(name, None)
    proc = test_roster.subprocess.run([command or args[0], *args[1:]], cwd=test_roster.REPO, env=env,
                                      capture_output=True, text=True, timeout=300, check=False)
    return proc.returncode, proc.stdout, ' '.join(proc.stderr.split())


def test_ini_inventory_is_read_from_the_checkout(tmp_path):
    """The checkout's ansible.cfg enables ini (after the roster plugin): the most common format works."""
    path = tmp_path / 'hosts'
    path.write_text('[lab_vms]\nvm1 ansible_host=192.0.2.21 ansible_user=admin\n\n[morning]\nvm1\n', encoding='utf-8')
    rc, out, err = run_from_checkout('ansible-inventory', '-i', str(path), '--list')
    assert rc == 0, err
    data = test_roster.plain(test_roster.json.loads(out))
    assert data['lab_vms']['hosts'] == ['vm1'] and data['morning']['hosts'] == ['vm1']
    assert data['_meta']['hostvars']['vm1'] == {'ansible_host': '192.0.2.21', 'ansible_user': 'admin'}


def test_broken_roster_error_shows_and_the_playbooks_stop(tmp_path):
    """A roster the plugin refuses goes on to ini, which reads its lines as hosts: the roster's error still
    shows, and no playbook runs on those hosts (none is in lab_vms)."""
    path = write(tmp_path, 'student,address\nana,192.0.2.11\nbruno,192.0.2.12\n')
    rc, dummy, err = run_from_checkout('ansible-inventory', '-i', path, '--graph')
    assert '[ERROR]: microlab.docker_internals.roster could not read %s' % path in err, err
    assert 'missing required column host' in err, err
    rc, out, err = run_from_checkout('ansible-playbook', '-i', path, 'playbooks/reset.yml')
    out = ' '.join(out.split())
    assert rc == 2, out + err
    assert 'missing required column host' in err, err
    assert 'No host to run on: lab_hosts="lab_vms"' in out, out
    assert 'Hosts named like CSV lines (student,address | ana,192.0.2.11 | bruno,192.0.2.12)' in out, out


def test_roster_without_csv_extension_is_read_by_its_header(tmp_path):
    path = write(tmp_path, HEADER + 'ana,192.0.2.11\n', name='class-3b.txt')
    rc, out, err = run_from_checkout('ansible-inventory', '-i', path, '--list')
    assert rc == 0, err
    assert test_roster.plain(test_roster.json.loads(out))['lab_vms']['hosts'] == ['ana']
