# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader, inventory_loader
from ansible.utils.collection_loader import AnsibleCollectionConfig

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
HEADER = 'student,host,user,port,group\n'


class Recorder:
    """Stands in for the plugin's Display: keeps the warnings."""

    def __init__(self):
        self.warnings = []

    def warning(self, msg, *args, **kwargs):
        self.warnings.append(msg)

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


@pytest.fixture(scope='module', autouse=True)
def collection_loader():
    """Ansible's collection loader, as ansible-inventory has it (ansible-test units installs its own)."""
    if AnsibleCollectionConfig.collection_finder is None:
        # Other tests may have imported ansible_collections as a plain namespace
        # package from PYTHONPATH; the loader has to import it again itself.
        for name in [name for name in sys.modules if name == 'ansible_collections' or name.startswith('ansible_collections.')]:
            del sys.modules[name]
        init_plugin_loader()


def fixture(name):
    return os.path.join(FIXTURES, name)


def parse(path):
    """Parse path with the plugin as ansible-inventory would: (inventory, warnings)."""
    plugin = inventory_loader.get('microlab.docker_internals.roster')
    assert plugin is not None, 'microlab.docker_internals.roster is not found by the plugin loader'
    plugin.display = Recorder()
    assert plugin.verify_file(path)
    inventory = InventoryData()
    plugin.parse(inventory, DataLoader(), path, cache=False)
    return inventory, plugin.display.warnings


def members(inventory, group):
    return sorted(host.name for host in inventory.groups[group].get_hosts())


def host_vars(inventory, name):
    return {key: value for key, value in inventory.get_host(name).vars.items() if key not in ('inventory_file', 'inventory_dir')}


def write(tmp_path, text, name='class.csv', strict=None):
    """A roster file, and with strict set a config file for it: the path to give to -i."""
    roster = tmp_path / name
    roster.write_text(text, encoding='utf-8')
    if strict is None:
        return str(roster)
    config = tmp_path / 'class.roster.yml'
    config.write_text('plugin: microlab.docker_internals.roster\nroster: %s\nstrict: %s\n' % (name, strict), encoding='utf-8')
    return str(config)


def test_csv_roster_hosts_groups_and_vars():
    inventory, warnings = parse(fixture('class.csv'))
    assert warnings == []
    assert members(inventory, 'lab_vms') == ['ana', 'bruno', 'carla']
    assert members(inventory, 'morning') == ['ana', 'bruno']
    assert host_vars(inventory, 'ana') == {
        'student': 'ana', 'ansible_host': '192.0.2.11', 'ansible_user': 'admin',
        'password_hash': '$6$salt$hash', 'ssh_key': 'ssh-ed25519 AAAAC3Nza ana@laptop',
    }
    assert host_vars(inventory, 'bruno') == {'student': 'bruno', 'ansible_host': '192.0.2.12', 'ansible_user': 'admin', 'ansible_port': 2222}
    # Empty cells set nothing: no user, port, group or credentials for carla.
    assert host_vars(inventory, 'carla') == {'student': 'carla', 'ansible_host': '192.0.2.13'}
    assert sorted(group.name for group in inventory.get_host('carla').get_groups()) == ['lab_vms']


def test_config_file_options():
    inventory, warnings = parse(fixture('class.roster.yml'))
    assert warnings == []
    assert 'lab_vms' not in inventory.groups
    assert members(inventory, 'workshop') == ['ana', 'bruno', 'carla']
    assert members(inventory, 'morning') == ['ana', 'bruno']
    assert inventory.get_host('carla').vars['ansible_user'] == 'teacher'
    assert inventory.get_host('ana').vars['ansible_user'] == 'admin'


def test_spreadsheet_csv_semicolons_bom_comments_and_case(tmp_path):
    # Made here, not under fixtures/: sanity tests reject a checked-in BOM and CRLF.
    path = tmp_path / 'class.csv'
    path.write_bytes(b'\xef\xbb\xbf# Class of May, exported from a spreadsheet (semicolons, BOM)\r\n'
                     b'Student;Host;User;Port;Email\r\n'
                     b'ana;192.0.2.11;admin;22;ana@example.org\r\n'
                     b'# bruno is absent\r\n'
                     b';;;;\r\n'
                     b'carla;192.0.2.13;;;"carla;garcia@example.org"\r\n'
                     b'dani;192.0.2.14;;;;extra\r\n')
    inventory, warnings = parse(str(path))
    assert warnings == ["class.csv line 7: has 6 cells, more than the header's columns; row skipped"]
    assert members(inventory, 'lab_vms') == ['ana', 'carla']
    assert host_vars(inventory, 'ana') == {
        'student': 'ana', 'ansible_host': '192.0.2.11', 'ansible_user': 'admin', 'ansible_port': 22, 'email': 'ana@example.org'}
    assert host_vars(inventory, 'carla') == {'student': 'carla', 'ansible_host': '192.0.2.13', 'email': 'carla;garcia@example.org'}


def test_yaml_roster_through_config_reports_lines():
    inventory, warnings = parse(fixture('students.roster.yml'))
    assert warnings == [
        'students.yml line 10: missing host; row skipped',
        'students.yml line 11: not a mapping of column names to values; row skipped',
    ]
    assert members(inventory, 'lab_vms') == ['ana', 'bruno']
    assert members(inventory, 'afternoon') == ['ana']
    assert host_vars(inventory, 'ana') == {'student': 'ana', 'ansible_host': '192.0.2.11', 'ansible_user': 'teacher', 'ansible_port': 2222}
    assert inventory.get_host('bruno').vars['keys'] == 'one two'


@pytest.mark.parametrize('rows, message', [
    ('ana,192.0.2.11\nbruno,\n', 'class.csv line 3: missing host'),
    ('ana,192.0.2.11\n,192.0.2.12,admin\n', 'class.csv line 3: missing student'),
    ('ana,192.0.2.11\nbruno,192.0.2.12,,abc\n', "class.csv line 3: port 'abc' is not a number from 1 to 65535"),
    ('ana,192.0.2.11\nbruno,192.0.2.12,,0\n', "class.csv line 3: port '0' is not a number from 1 to 65535"),
    ('ana,192.0.2.11\nbruno,192.0.2.12,,65536\n', "class.csv line 3: port '65536' is not a number from 1 to 65535"),
    ('ana,192.0.2.11\nbruno,192.0.2.12,,22.0\n', "class.csv line 3: port '22.0' is not a number from 1 to 65535"),
    ('ana,192.0.2.11\n\n# blank and comment lines count\nana,192.0.2.14\n', "class.csv line 5: duplicate student 'ana' (first on line 2)"),
    ('ana,192.0.2.11\nAna,192.0.2.14\n', "class.csv line 3: duplicate student 'Ana' (first on line 2)"),
    ('ana,192.0.2.11\nana maria,192.0.2.12\n', "class.csv line 3: student 'ana maria' is not a valid host name"),
    ('ana,192.0.2.11\n-rf,192.0.2.12\n', "class.csv line 3: student '-rf' is not a valid host name"),
    ('ana,192.0.2.11\nbruno,192.0.2.12,,,morning-class\n', "class.csv line 3: group 'morning-class' is not a valid group name"),
    ('ana,192.0.2.11\nbruno,192.0.2.12,,,all\n', "class.csv line 3: group 'all' is one of Ansible's own groups"),
    ('ana,192.0.2.11\nbruno,192.0.2.12,,,,extra\n', "class.csv line 3: has 6 cells, more than the header's columns"),
    ('ana,192.0.2.11\n,,,x\n', "class.csv line 3: missing student; missing host; port 'x' is not a number from 1 to 65535"),
])
def test_bad_row_skipped_with_warning_or_fails_strict(tmp_path, rows, message):
    inventory, warnings = parse(write(tmp_path, HEADER + rows))
    assert len(warnings) == 1 and warnings[0].startswith(message) and warnings[0].endswith('; row skipped')
    assert members(inventory, 'lab_vms') == ['ana']
    assert inventory.get_host('ana').vars['ansible_host'] == '192.0.2.11'

    with pytest.raises(AnsibleParserError) as caught:
        parse(write(tmp_path, HEADER + rows, strict='true'))
    assert 'has 1 bad row (strict)' in str(caught.value)
    assert message in str(caught.value)


def test_strict_lists_every_bad_row(tmp_path):
    with pytest.raises(AnsibleParserError) as caught:
        parse(write(tmp_path, HEADER + 'ana,192.0.2.11\nbruno\nana,192.0.2.13\ncarla,192.0.2.14,,99999\n', strict='yes'))
    lines = str(caught.value).splitlines()
    assert lines[0].endswith('class.csv has 3 bad rows (strict):')
    assert lines[1:] == [
        'class.csv line 3: missing host',
        "class.csv line 4: duplicate student 'ana' (first on line 2)",
        "class.csv line 5: port '99999' is not a number from 1 to 65535",
    ]


@pytest.mark.parametrize('text, message', [
    ('', 'has no students'),
    ('\n\n', 'has no students'),
    (HEADER, 'has no students'),
    (HEADER + 'ana\nbruno,,,x\n', 'has no students (2 bad rows skipped)'),
    ('name,address\nana,192.0.2.11\n', 'missing required columns student, host'),
    ('student,address\nana,192.0.2.11\n', 'missing required column host'),
    ('student,host,first name\nana,192.0.2.11,Ana\n', "column 'first name' is not a valid variable name"),
    ('student,host,host\nana,192.0.2.11,x\n', "column 'host' appears twice"),
    ('student,host,ansible_host\nana,192.0.2.11,x\n', "column 'ansible_host' would override column 'host'"),
    ('student,host,\nana,192.0.2.11,x\n', 'column 3 has no name'),
])
def test_unusable_roster_always_fails(tmp_path, text, message):
    with pytest.raises(AnsibleParserError) as caught:
        parse(write(tmp_path, text))
    assert message in str(caught.value)
    assert 'class.csv' in str(caught.value)


@pytest.mark.parametrize('config, message', [
    ('plugin: microlab.docker_internals.roster\n', 'the roster option is required'),
    ('plugin: microlab.docker_internals.roster\nroster: nowhere.csv\n', 'cannot read roster'),
    ('plugin: microlab.docker_internals.roster\nroster: class.csv\ngroup: lab-vms\n', "group option 'lab-vms' is not a valid group name"),
    ('plugin: someone.else.roster\nroster: class.csv\n', 'Incorrect plugin name'),
])
def test_bad_config_fails(tmp_path, config, message):
    write(tmp_path, HEADER + 'ana,192.0.2.11\n')
    (tmp_path / 'class.roster.yml').write_text(config, encoding='utf-8')
    with pytest.raises(AnsibleParserError) as caught:
        parse(str(tmp_path / 'class.roster.yml'))
    assert message in str(caught.value)


def test_yaml_roster_must_be_a_list(tmp_path):
    write(tmp_path, 'student: ana\nhost: 192.0.2.11\n', name='students.yml')
    (tmp_path / 'class.roster.yml').write_text('plugin: microlab.docker_internals.roster\nroster: students.yml\n', encoding='utf-8')
    with pytest.raises(AnsibleParserError, match='must hold a list of students'):
        parse(str(tmp_path / 'class.roster.yml'))


def test_values_are_not_templated(tmp_path):
    inventory, dummy = parse(write(tmp_path, 'student,host,motto\nana,192.0.2.11,"{{ lookup(\'pipe\', \'id\') }}"\n'))
    motto = inventory.get_host('ana').vars['motto']
    assert motto == "{{ lookup('pipe', 'id') }}"
    from ansible.template import is_trusted_as_template
    assert not is_trusted_as_template(motto)


@pytest.mark.parametrize('name, content, wanted', [
    ('class.csv', HEADER, True),
    ('CLASS.CSV', HEADER, True),
    ('class.roster.yml', 'plugin: microlab.docker_internals.roster\n', True),
    ('roster.yaml', 'plugin: microlab.docker_internals.roster\n', True),
    ('hosts.yml', 'all: {}\n', False),
    ('class.txt', HEADER, True),  # a roster by its header: the ini plugin after this one must not get it
    ('export.txt', '\ufeff# class 3B\n\nStudent;Host;User\n', True),
    ('hosts.ini', '[lab_vms]\nvm1 ansible_host=192.0.2.21\n', False),
    ('hosts', 'student ansible_host=192.0.2.21\n', False),
    ('missing.csv', None, False),
])
def test_verify_file(tmp_path, name, content, wanted):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding='utf-8')
    plugin = inventory_loader.get('microlab.docker_internals.roster')
    assert plugin.verify_file(str(path)) is wanted


def ansible_inventory(*args):
    """ansible-inventory from the checkout, with its ansible.cfg (the plugin enabled there)."""
    command = shutil.which('ansible-inventory', path=os.path.dirname(sys.executable)) or 'ansible-inventory'
    env = dict(os.environ, ANSIBLE_FORCE_COLOR='0', ANSIBLE_NOCOLOR='1')
    for name in ('ANSIBLE_CONFIG', 'ANSIBLE_INVENTORY_ENABLED', 'ANSIBLE_INVENTORY', 'MICROLAB_ROSTER_STRICT', 'MICROLAB_ROSTER_DEFAULT_USER'):
        env.pop(name, None)
    return subprocess.run([command, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)


def plain(value):
    """JSON from --list with ansible-core's untrusted-string wrappers removed."""
    if isinstance(value, dict):
        if set(value) == {'__ansible_unsafe'}:
            return value['__ansible_unsafe']
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def test_ansible_inventory_reads_a_csv_directly(tmp_path):
    path = write(tmp_path, HEADER + 'ana,192.0.2.11,admin,2222,morning\nbruno,192.0.2.12\ncarla,192.0.2.13,,x\n')
    result = ansible_inventory('-i', path, '--list')
    assert result.returncode == 0, result.stderr
    data = plain(json.loads(result.stdout))
    assert sorted(data['lab_vms']['hosts']) == ['ana', 'bruno']
    assert data['morning']['hosts'] == ['ana']
    assert data['_meta']['hostvars']['ana'] == {'ansible_host': '192.0.2.11', 'ansible_port': 2222, 'ansible_user': 'admin', 'student': 'ana'}
    assert data['_meta']['hostvars']['bruno'] == {'ansible_host': '192.0.2.12', 'student': 'bruno'}
    assert "class.csv line 4: port 'x' is not a number from 1 to 65535; row skipped" in result.stderr


def test_ansible_inventory_fails_on_a_strict_roster(tmp_path):
    path = write(tmp_path, HEADER + 'ana,192.0.2.11\nbruno\n', strict='true')
    result = ansible_inventory('-i', path, '--list')
    assert result.returncode != 0
    assert 'class.csv line 3: missing host' in result.stderr
    assert 'Completely failed to parse inventory source' in result.stderr


def test_ansible_inventory_shows_the_roster_error_on_an_empty_csv(tmp_path):
    # The ini plugin, enabled after the roster plugin, reads the empty file as an empty inventory
    # (rc 0): the roster plugin's own error is what must show (the playbooks then stop, see
    # test_roster_faults.py).
    result = ansible_inventory('-i', write(tmp_path, ''), '--list')
    assert 'microlab.docker_internals.roster could not read' in result.stderr, result.stderr
    assert 'class.csv has no students' in result.stderr, result.stderr
