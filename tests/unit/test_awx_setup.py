# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The AWX/AAP setup of docs/awx.md, checked as far as a machine without AWX allows.

- The execution environment: `ansible-builder create` on execution-environment.yml makes a build
  context that names the collections the roles use and holds this collection, which installs from
  it and declares its controller-side dependencies the way ansible-builder's introspection reads
  them (meta/execution-environment.yml).
- The roster as an inventory source, run as AWX runs an inventory sync: `ansible-inventory --list
  --export` in a copy of the project (its ansible.cfg), with AWX's environment, the collection
  found where the EE puts it; a broken roster fails the sync instead of importing other hosts.
- The configuration-as-code example (docs/examples/awx.yml) names playbooks and files that exist.

No network, no container runtime: the image itself is not built here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
EE_DEFINITION = os.path.join(REPO, 'execution-environment.yml')
CONFIG_AS_CODE = os.path.join(REPO, 'docs', 'examples', 'awx.yml')
VERIFY_FOR_AWX = os.path.join(REPO, 'docs', 'examples', 'awx_verify.yml')
# What AWX puts in the environment of every inventory sync (awx/main/constants.py,
# STANDARD_INVENTORY_UPDATE_ENV), and the collection path variable it sets, which
# ansible-core 2.19 no longer reads (the sync then finds collections through the
# project's ansible.cfg).
AWX_INVENTORY_ENV = {
    'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'True',
    'ANSIBLE_INVENTORY_EXPORT': 'True',
    'ANSIBLE_VERBOSE_TO_STDERR': 'True',
    'ANSIBLE_HOST_PATTERN_MISMATCH': 'error',
}


def load(path):
    with open(path, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def clean_env(**extra):
    """The environment of a command run as AWX would: none of the checkout's ANSIBLE_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith('ANSIBLE_') and k != 'PYTHONPATH'}
    env['PATH'] = BIN + os.pathsep + env.get('PATH', '')
    env.update(extra)
    return env


def run(cmd, cwd, env, check=True):
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)
    if check:
        assert result.returncode == 0, '%s\n%s\n%s' % (' '.join(cmd), result.stdout, result.stderr)
    return result


@pytest.fixture(scope='module')
def ee_context(tmp_path_factory):
    """The build context `ansible-builder create` makes from execution-environment.yml."""
    context = tmp_path_factory.mktemp('ee') / 'context'
    run([os.path.join(BIN, 'ansible-builder'), 'create', '-f', EE_DEFINITION, '-c', str(context)],
        cwd=REPO, env=clean_env())
    return context


@pytest.fixture(scope='module')
def ee_home(tmp_path_factory, ee_context):
    """A HOME whose ~/.ansible/collections holds the collection installed from the EE's build context.

    In the EE it is /usr/share/ansible/collections; both are on the collections_path of the
    project's ansible.cfg, the only collection path an inventory sync with ansible-core 2.19 reads.
    """
    home = tmp_path_factory.mktemp('home')
    collections = home / '.ansible' / 'collections'
    run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--no-deps', '-p', str(collections),
         str(ee_context / '_build' / 'collection')],
        cwd=str(home), env=clean_env(HOME=str(home), ANSIBLE_COLLECTIONS_PATH=str(collections)))
    return home


def build_file(context):
    for name in ('Containerfile', 'Dockerfile'):
        if (context / name).is_file():
            return (context / name).read_text(encoding='utf-8')
    raise AssertionError('no Containerfile or Dockerfile in %s' % context)


def used_collections():
    """Collections (namespace.name) whose modules the roles and playbooks call, but builtin and this one."""
    found = set()
    for top in ('roles', 'playbooks'):
        for folder, dummy, names in os.walk(os.path.join(REPO, top)):
            for name in names:
                if name.endswith(('.yml', '.yaml')):
                    with open(os.path.join(folder, name), encoding='utf-8') as handle:
                        text = handle.read()
                    found.update(re.findall(r'^\s*-?\s*([a-z_]+\.[a-z_]+)\.[a-z_]+:\s*$', text, re.M))
    return found - {'ansible.builtin', 'microlab.docker_internals'}


# (a) the execution environment

def test_ee_context_names_every_collection_the_roles_use(ee_context):
    galaxy = load(str(ee_context / '_build' / 'requirements.yml'))['collections']
    names = {entry['name'] for entry in galaxy}
    used = used_collections()
    assert {'community.docker', 'ansible.posix'} <= used
    assert used <= names
    # The same version ranges as the collection's own dependencies (galaxy.yml) and requirements.yml.
    declared = load(os.path.join(REPO, 'galaxy.yml'))['dependencies']
    assert used <= set(declared)
    requirements = {c['name']: c['version'] for c in load(os.path.join(REPO, 'requirements.yml'))['collections']}
    for entry in galaxy:
        if entry['name'] in declared:
            assert entry['version'] == declared[entry['name']] == requirements[entry['name']], entry


def test_ee_context_holds_this_collection_where_the_image_build_installs_it(ee_context):
    entries = [e for e in load(str(ee_context / '_build' / 'requirements.yml'))['collections'] if e.get('type') == 'dir']
    assert [e['name'] for e in entries] == ['/build/collection']
    # The galaxy stage copies the context's _build to /build and installs from there.
    text = build_file(ee_context)
    assert 'COPY _build /build' in text
    assert 'collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml' in text
    collection = ee_context / '_build' / 'collection'
    assert load(str(collection / 'galaxy.yml'))['name'] == 'docker_internals'
    for part in ('plugins/inventory/roster.py', 'roles/lab_report/tasks/main.yml', 'playbooks/verify.yml',
                 'meta/runtime.yml', 'meta/execution-environment.yml'):
        assert (collection / part).is_file(), part


def test_collection_installed_from_the_ee_context_declares_ssh_to_ansible_builder(ee_context, ee_home):
    """ansible-builder's own introspection (the script the image build runs) on the installed collection."""
    collections = ee_home / '.ansible' / 'collections'
    installed = collections / 'ansible_collections' / 'microlab' / 'docker_internals'
    assert (installed / 'roles' / 'lab_users').is_dir()
    assert not (installed / 'execution-environment.yml').exists()  # build_ignore: not part of the collection
    script = ee_context / '_build' / 'scripts' / 'introspect.py'
    result = run([sys.executable, str(script), 'introspect', str(collections)], cwd=str(ee_home), env=clean_env())
    found = yaml.safe_load(result.stdout.split('---', 1)[1])
    assert found['python'] == []  # not the checkout's requirements.txt (molecule, pytest, ...)
    assert any(line.startswith('openssh-clients [platform:rpm]') for line in found['system'])
    assert any(line.startswith('sshpass ') for line in found['system'])


# (b) the roster as an AWX inventory source

@pytest.fixture
def project(tmp_path):
    """What an inventory sync sees: the project's ansible.cfg and roster, no .ansible of the checkout."""
    root = tmp_path / 'project'
    (root / 'inventory').mkdir(parents=True)
    shutil.copy(os.path.join(REPO, 'ansible.cfg'), str(root))
    for name in ('class.roster.yml', 'class.example.csv'):
        shutil.copy(os.path.join(REPO, 'inventory', name), str(root / 'inventory'))
    return root


def awx_inventory_sync(project, ee_home, source):
    """ansible-inventory as RunInventoryUpdate.build_args runs it: cwd the project, --export, --output."""
    output = project.parent / 'output.json'
    result = run([os.path.join(BIN, 'ansible-inventory'), '--list', '--export', '-i', str(project / source),
                  '--output', str(output), '--playbook-dir', str((project / source).parent)],
                 cwd=str(project), check=False,
                 env=clean_env(HOME=str(ee_home), ANSIBLE_COLLECTIONS_PATHS='/runner/requirements_collections',
                               **AWX_INVENTORY_ENV))
    return result, (json.loads(output.read_text(encoding='utf-8')) if result.returncode == 0 else None)


def unsafe(value):
    return value['__ansible_unsafe'] if isinstance(value, dict) else value


def test_roster_source_puts_the_students_in_lab_vms(project, ee_home):
    result, inventory = awx_inventory_sync(project, ee_home, 'inventory/class.roster.yml')
    assert result.returncode == 0, result.stderr
    assert inventory['lab_vms']['hosts'] == ['ana', 'bruno', 'carla']
    assert inventory['morning']['hosts'] == ['ana', 'bruno']
    assert inventory['afternoon']['hosts'] == ['carla']
    hostvars = {host: {k: unsafe(v) for k, v in values.items()} for host, values in inventory['_meta']['hostvars'].items()}
    assert hostvars['ana'] == {'student': 'ana', 'ansible_host': '192.0.2.11', 'ansible_user': 'admin'}
    assert hostvars['bruno']['ansible_port'] in (2222, '2222')
    assert hostvars['carla']['ansible_user'] == 'admin'  # the configuration's default_user


def test_roster_csv_as_source_is_read_by_the_roster_plugin(project, ee_home):
    """The project's ansible.cfg enables the roster plugin first, so a .csv source works too."""
    result, inventory = awx_inventory_sync(project, ee_home, 'inventory/class.example.csv')
    assert result.returncode == 0, result.stderr
    assert inventory['lab_vms']['hosts'] == ['ana', 'bruno', 'carla']
    assert 'carla' in inventory['_meta']['hostvars'] and 'ansible_user' not in inventory['_meta']['hostvars']['carla']


def test_broken_roster_fails_the_sync_instead_of_importing_other_hosts(project, ee_home):
    """With a *roster.yml source, a roster the plugin refuses fails the sync: AWX keeps the last good inventory."""
    (project / 'inventory' / 'class.example.csv').write_text('student,hostname\nana,192.0.2.11\n', encoding='utf-8')
    result, inventory = awx_inventory_sync(project, ee_home, 'inventory/class.roster.yml')
    assert result.returncode != 0 and inventory is None
    assert 'missing required column host' in result.stderr


# (c) the configuration as code

def config_as_code():
    plays = load(CONFIG_AS_CODE)
    tasks = [task for play in plays for task in play['tasks']]
    return plays, {next(k for k in task if k.startswith('awx.awx.')): task for task in tasks}


def test_config_as_code_names_files_of_the_project():
    plays, tasks = config_as_code()
    assert set(tasks) == {'awx.awx.execution_environment', 'awx.awx.project', 'awx.awx.credential',
                          'awx.awx.inventory', 'awx.awx.inventory_source', 'awx.awx.job_template'}
    assert os.path.isfile(os.path.join(REPO, plays[0]['vars']['awx_roster_source']))
    assert tasks['awx.awx.inventory_source']['awx.awx.inventory_source']['source'] == 'scm'
    templates = {item['name']: item for item in tasks['awx.awx.job_template']['loop']}
    assert set(templates) == {'lab', 'verify', 'reset', 'class services'}
    for item in templates.values():
        playbook = os.path.join(REPO, item['playbook'])
        assert os.path.isfile(playbook), item['playbook']
        assert isinstance(load(playbook), list)
    assert templates['lab']['playbook'] == 'lab.yml'
    assert templates['reset']['playbook'] == 'playbooks/reset.yml'
    assert templates['class services']['playbook'] == 'playbooks/class_services.yml'
    # verify makes one report for the whole class only when it is not sliced.
    assert templates['verify']['slices'] == 1
    for name in ('lab', 'verify'):
        modes = next(q for q in templates[name]['survey'] if q['variable'] == 'lab_mode')
        assert modes['choices'].split('\n') == ['demo', 'challenge']


def awx_module_arguments(module):
    """The argument names (and aliases) of an awx.awx module, read from its argument_spec."""
    from ansible_collections.awx import awx  # the copy the `ansible` package ships
    path = os.path.join(list(awx.__path__)[0], 'plugins', 'modules', module + '.py')
    with open(path, encoding='utf-8') as handle:
        source = handle.read()
    spec = source[source.index('argument_spec = dict('):]
    spec = spec[:spec.index('\n    )')]
    names = set(re.findall(r'^\s{8}(\w+)=dict\(', spec, re.M))
    for aliases in re.findall(r'aliases=\[([^\]]*)\]', spec):
        names.update(re.findall(r"'(\w+)'", aliases))
    assert len(names) > 3, module
    return names


def test_config_as_code_uses_only_arguments_the_modules_have():
    dummy, tasks = config_as_code()
    for fqcn, task in tasks.items():
        unknown = set(task[fqcn]) - awx_module_arguments(fqcn.split('.')[-1])
        assert not unknown, '%s: %s' % (fqcn, sorted(unknown))


def test_verify_for_awx_imports_verify_and_hands_over_the_report_fact():
    plays = load(VERIFY_FOR_AWX)
    imported = os.path.normpath(os.path.join(os.path.dirname(VERIFY_FOR_AWX), plays[0]['ansible.builtin.import_playbook']))
    assert imported == os.path.join(REPO, 'playbooks', 'verify.yml')
    stats = plays[1]['tasks'][0]['ansible.builtin.set_stats']
    assert stats['data'] == {'lab_report': '{{ lab_report_class }}'}
    # The fact the lab_report role sets on localhost, the report play's host.
    with open(os.path.join(REPO, 'roles', 'lab_report', 'tasks', 'main.yml'), encoding='utf-8') as handle:
        assert re.search(r'^\s+lab_report_class: ', handle.read(), re.M)
    assert plays[1]['hosts'] == 'localhost'


def test_config_as_code_passes_syntax_check():
    result = run([os.path.join(BIN, 'ansible-playbook'), '--syntax-check', CONFIG_AS_CODE, VERIFY_FOR_AWX],
                 cwd=REPO, env=clean_env(), check=False)
    assert result.returncode == 0, result.stdout + result.stderr
