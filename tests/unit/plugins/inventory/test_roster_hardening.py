# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Rosters written to break the plugin: reserved column names, oversized cells,
YAML values that are not text, keys that collapse into one, two students on one VM, and
files that are not rosters at all. Each is a clear AnsibleParserError (or a skipped row)
that names the file, line and column and never repeats what the file holds."""

from __future__ import annotations

import csv

import pytest

from ansible.errors import AnsibleParserError

import test_roster
from test_roster import HEADER, host_vars, members, parse, write

collection_loader = test_roster.collection_loader

SECRET = '$6$rounds=5000$secretsalt$secrethash'


def parse_error(path):
    """The text of the AnsibleParserError that parsing path raises."""
    with pytest.raises(AnsibleParserError) as caught:
        parse(path)
    return str(caught.value)


@pytest.mark.parametrize('header', ['student,host,__extra__', 'student,host,__not_mapping__', 'student,host,__x'])
def test_reserved_column_name_is_a_clear_error(tmp_path, header):
    message = parse_error(write(tmp_path, header + '\nana,192.0.2.11,x\n'))
    column = header.rsplit(',', 1)[1]
    assert 'class.csv' in message and "column '%s'" % column in message and 'reserved' in message


def test_extra_cells_are_still_reported_with_a_column_of_any_name(tmp_path):
    inventory, warnings = parse(write(tmp_path, 'student,host,notes\nana,192.0.2.11,x\nbruno,192.0.2.12,y,z\n'))
    assert members(inventory, 'lab_vms') == ['ana']
    assert warnings == ["class.csv line 3: has 4 cells, more than the header's columns; row skipped"]


@pytest.mark.parametrize('row', [
    'ana,192.0.2.11,,,,%s',
    'ana,"192.0.2.11%s",,,',
    '"ana,192.0.2.11%s',
])
def test_cell_over_the_csv_field_limit(tmp_path, row):
    huge = 'x' * (csv.field_size_limit() + 10)
    message = parse_error(write(tmp_path, HEADER.rstrip('\n') + ',notes\nbruno,192.0.2.10\n' + row % huge + '\n'))
    assert 'class.csv line 3' in message and 'larger than' in message
    assert 'xxxxxxxx' not in message


@pytest.mark.parametrize('row, column, kind', [
    ('{student: ana, host: 192.0.2.11, ssh_key: [a, b]}', 'ssh_key', 'a list'),
    ('{student: ana, host: 192.0.2.11, extra: {a: 1}}', 'extra', 'a mapping'),
    ('{student: ana, host: [192.0.2.11]}', 'host', 'a list'),
    ('{student: {name: ana}, host: 192.0.2.11}', 'student', 'a mapping'),
    ('{student: ana, host: 192.0.2.11, user: [admin]}', 'user', 'a list'),
])
def test_yaml_value_that_is_not_text(tmp_path, row, column, kind):
    message = parse_error(write(tmp_path, '- {student: bruno, host: 192.0.2.12}\n- %s\n' % row,
                                name='students.yml', strict='true'))
    assert "students.yml line 2: column '%s' holds %s; roster values are text" % (column, kind) in message


def test_yaml_row_with_a_list_is_skipped_when_not_strict(tmp_path):
    inventory, warnings = parse(write(tmp_path, '- {student: bruno, host: 192.0.2.12}\n'
                                                '- {student: ana, host: 192.0.2.11, ssh_key: [a, b]}\n',
                                      name='students.yml', strict='false'))
    assert members(inventory, 'lab_vms') == ['bruno']
    assert len(warnings) == 1 and 'line 2' in warnings[0] and 'ssh_key' in warnings[0]


@pytest.mark.parametrize('value, expected', [
    ('42', '42'),
    ('true', 'true'),
    ('2.5', '2.5'),
    ('2024-09-01', '2024-09-01'),
    ("' spaced '", 'spaced'),
])
def test_yaml_scalars_become_text(tmp_path, value, expected):
    inventory, warnings = parse(write(tmp_path, '- {student: ana, host: 192.0.2.11, notes: %s}\n' % value,
                                      name='students.yml', strict='true'))
    assert warnings == []
    assert host_vars(inventory, 'ana')['notes'] == expected


@pytest.mark.parametrize('row, key', [
    ('{student: ana, host: 192.0.2.11, host: 192.0.2.99}', 'host'),
    ('{student: ana, Host: 192.0.2.11, host: 192.0.2.99}', 'host'),
    ('{student: ana, STUDENT: eva, host: 192.0.2.11}', 'student'),
    ('{student: ana, host: 192.0.2.11, notes: a, " Notes": b}', 'notes'),
])
def test_yaml_keys_that_collapse_into_one(tmp_path, row, key):
    message = parse_error(write(tmp_path, '- %s\n' % row, name='students.yml', strict='true'))
    assert "students.yml line 1: key '%s' appears twice" % key in message


def test_csv_columns_that_differ_in_case(tmp_path):
    message = parse_error(write(tmp_path, 'student,Host,host\nana,192.0.2.11,192.0.2.99\n'))
    assert "column 'host' appears twice" in message


@pytest.mark.parametrize('rows', [
    'ana,192.0.2.11\nbruno,192.0.2.11\n',
    'ana,VM1.example.org\nbruno,vm1.example.org\n',
    'ana,192.0.2.11,,22\nbruno,192.0.2.11\n',
    'ana,192.0.2.11,,2201\nbruno, 192.0.2.11 ,,2201\n',
])
def test_one_vm_for_two_students_is_refused(tmp_path, rows):
    message = parse_error(write(tmp_path, HEADER + rows, strict='true'))
    assert 'class.csv line 3' in message and "the same VM as student 'ana' (line 2)" in message


def test_one_vm_for_two_students_keeps_the_first_when_not_strict(tmp_path):
    inventory, warnings = parse(write(tmp_path, HEADER + 'ana,192.0.2.11\nbruno,192.0.2.11\n'))
    assert members(inventory, 'lab_vms') == ['ana']
    assert len(warnings) == 1 and 'line 3' in warnings[0]


def test_one_address_with_a_port_per_vm_is_fine(tmp_path):
    """A classroom gateway forwarding one port per VM: one address, many VMs."""
    inventory, warnings = parse(write(tmp_path, HEADER + 'ana,gw.example.org,,2201\nbruno,gw.example.org,,2202\n',
                                      strict='true'))
    assert warnings == [] and members(inventory, 'lab_vms') == ['ana', 'bruno']


@pytest.mark.parametrize('name, text', [
    ('shadow.csv', 'root:%s:19000:0:99999:7:::\nana:%s:19000:0:99999:7:::\n' % (SECRET, SECRET)),
    ('shadow.csv', 'student,host,%s\nana,192.0.2.11,x\n' % SECRET),
    ('shadow.yml', 'root: %s\n  bad: [indent\n' % SECRET),
    ('shadow.yml', '- student: ana\n  host: 192.0.2.11\n  key: "%s\n' % SECRET),
    ('shadow.yml', 'ana: {%s\n' % SECRET),
])
def test_a_file_that_is_not_a_roster_is_not_repeated_in_the_error(tmp_path, name, text):
    message = parse_error(write(tmp_path, text, name=name, strict='true'))
    assert name in message
    assert 'secret' not in message and '$6$' not in message, message


@pytest.mark.parametrize('row', [
    '"ana %s",192.0.2.11' % SECRET,
    'ana,192.0.2.11,,"%s"' % SECRET,
    'ana,192.0.2.11,,,"%s"' % SECRET,
])
def test_bad_cells_are_not_repeated_in_the_error(tmp_path, row):
    message = parse_error(write(tmp_path, HEADER + row + '\n', strict='true'))
    assert 'class.csv line 2' in message
    assert 'secret' not in message and '$6$' not in message, message


# What reaches ssh: the host, the user -----------------------------------------------------------------------

@pytest.mark.parametrize('host', [
    '-oProxyCommand=touch /tmp/PWNED', '-oProxyCommand=touch', 'vm1 -p 2200', 'vm1;id', '$(id)', 'vm1`id`', 'vm|1',
    '-vm1', 'vm1-.example.org', 'vm_1.example.org', '..', 'a' * 64 + '.example.org', '192.0.2.11/24', '[2001:db8::1]',
])
def test_a_host_that_is_not_a_name_or_an_address_is_a_bad_row(tmp_path, host):
    inventory, warnings = parse(write(tmp_path, HEADER + 'bruno,192.0.2.12\n"ana","%s"\n' % host))
    assert members(inventory, 'lab_vms') == ['bruno']
    assert len(warnings) == 1 and warnings[0].startswith('class.csv line 3: host ') and \
        'is not a host name or an IP address' in warnings[0], warnings


@pytest.mark.parametrize('host', ['192.0.2.11', '2001:db8::11', 'fe80::1%eth0', 'vm-11', 'vm11.lab.example.org',
                                  'VM11.Example.org.', '10.0.0.1'])
def test_host_names_and_addresses_are_kept(tmp_path, host):
    inventory, warnings = parse(write(tmp_path, HEADER + 'ana,%s\n' % host))
    assert warnings == [] and host_vars(inventory, 'ana')['ansible_host'] == host


@pytest.mark.parametrize('user', ['-oProxyCommand=id', 'root user', 'ad$min', '.hidden', 'a' * 33, 'admin;id'])
def test_a_user_that_is_not_an_account_name_is_a_bad_row(tmp_path, user):
    message = parse_error(write(tmp_path, HEADER + 'bruno,192.0.2.12\n"ana","192.0.2.11","%s"\n' % user, strict='true'))
    assert 'line 3: user ' in message and 'is not an account name' in message


def test_a_bad_default_user_makes_every_row_without_a_user_bad(tmp_path):
    path = tmp_path / 'class.csv'
    path.write_text(HEADER + 'ana,192.0.2.11\nbruno,192.0.2.12,admin\n', encoding='utf-8')
    config = tmp_path / 'class.roster.yml'
    config.write_text('plugin: microlab.docker_internals.roster\nroster: class.csv\ndefault_user: "-oX"\n', encoding='utf-8')
    inventory, warnings = parse(str(config))
    assert members(inventory, 'lab_vms') == ['bruno']
    assert len(warnings) == 1 and 'line 2: user' in warnings[0]
