# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The lab speaks one language at a time, on this machine's real engine.

lab.yml's scenarios run here under names of their own (prefix lt_), then
verify.yml, in Spanish and in English: every explanation, evidence line,
failure and the class report must be in the language asked for. A student
who typed the chapter first and left a container of the lab's name that is
not the lab's gets the refusal in their language too.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import scenarios
from ansible_collections.microlab.docker_internals.tests.unit.plugins.module_utils import test_catalog as catalog_test
from conftest import REPO, SHELL_IMAGE, why_skip

pytestmark = pytest.mark.skipif(why_skip() is not None, reason=why_skip() or '')

NAMES = {
    'lab_users_root_container': 'lt_root', 'lab_users_uid_container': 'lt_1234',
    'lab_users_share_dir': '/var/lib/microlab/lt-users', 'lab_nginx_container': 'lt_web',
    'lab_network_server': 'lt_web', 'lab_network_name': 'lt_lonely', 'lab_network_bridge_client': 'lt_bridge',
    'lab_network_lonely_client': 'lt_lonely_client', 'lab_files_owner_container': 'lt_files_owner',
    'lab_files_other_container': 'lt_files_other', 'lab_files_root_container': 'lt_files_root',
    'lab_files_share_dir': '/var/lib/microlab/lt-files', 'lab_overlay_container': 'lt_overlay',
    'lab_overlay_twin_container': 'lt_overlay_twin',
}
CONTAINERS = ['lt_root', 'lt_1234', 'lt_web', 'lt_bridge', 'lt_lonely_client', 'lt_files_owner', 'lt_files_other',
              'lt_files_root', 'lt_overlay', 'lt_overlay_twin']
TAGS = 'users,nginx,network,files,overlay'


# A token with a digit in it is data from the engine, never a word: an interface (veth3de4a1f), a bridge
# (br-0de1f2a3b4c5), an id. Read as words, its letters made `de` (Spanish) out of random hex now and then.
DATA_TOKEN = re.compile(r'\S*\d\S*')


def foreign_words(text, lang):
    """Function words of the other language in text, as the catalogs' unit test finds them (commands and data
    left out)."""
    return catalog_test.foreign_words(lang, DATA_TOKEN.sub(' ', text))


@pytest.mark.parametrize('lang, text, found', [
    ('en', 'curl_bridge eth0 is paired with veth3de4a1f on docker0', []),
    ('en', 'curl_lonely 172.18.0.3 on lonely_curl (subnet 172.18.0.0/16, host bridge br-0de1f2a3b4c5)', []),
    ('en', 'curl_bridge eth0 de veth3de4a1f', ['de']),
    ('es', 'lt_web pid 4242 (nginx: master process) runs as host UID 0 (root)', ['as', 'runs']),
])
def test_engine_data_is_not_read_as_words(lang, text, found):
    assert foreign_words(text, lang) == found


def playbook(*args, check=False):
    """Run a playbook from the checkout with the JSON callback; (rc, parsed output)."""
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK='ansible.posix.json', ANSIBLE_NOCOLOR='1')
    result = subprocess.run(['ansible-playbook', *args], cwd=REPO, capture_output=True, text=True, env=env,
                            check=False)
    start = result.stdout.find('{')
    assert start >= 0, result.stdout + result.stderr
    return result.returncode, json.loads(result.stdout[start:])


def messages(output):
    """Every msg a task printed or failed with (debug, assert, module failures), each item's of a loop too."""
    found = []
    for play in output['plays']:
        for task in play['tasks']:
            for result in task['hosts'].values():
                for one in [result] + list(result.get('results') or []):
                    if isinstance(one.get('msg'), str) and task['task']['name'] not in ('Gathering Facts',):
                        found.append(one['msg'])
    return found


def extra_vars(lang, **more):
    return ['-e', json.dumps(dict(NAMES, lab_language=lang, **more))]


@pytest.fixture(scope='module')
def lab_here():
    """The scenarios converged on this machine under the lt_ names; removed afterwards."""
    rc, output = playbook('lab.yml', '--tags', TAGS, *extra_vars('es'))
    try:
        assert rc == 0, messages(output)
        yield output
    finally:
        subprocess.run(['docker', 'rm', '-f', *CONTAINERS], capture_output=True, check=False)
        subprocess.run(['docker', 'network', 'rm', 'lt_lonely'], capture_output=True, check=False)


def test_lab_explains_every_scenario_in_spanish_only(lab_here):
    texts = [m for m in messages(lab_here) if 'ESCENARIO' in m]
    assert len(texts) == len(TAGS.split(',')), messages(lab_here)
    for text in texts:
        assert 'PASA' in text and foreign_words(text, 'es') == [], (foreign_words(text, 'es'), text)


def test_lab_explains_every_scenario_in_english_only_when_asked(lab_here):
    rc, output = playbook('lab.yml', '--tags', TAGS, *extra_vars('en'))
    assert rc == 0, messages(output)
    texts = [m for m in messages(output) if 'SCENARIO' in m]
    assert len(texts) == len(TAGS.split(',')), messages(output)
    for text in texts:
        assert 'PASS' in text and foreign_words(text, 'en') == [], (foreign_words(text, 'en'), text)


@pytest.mark.parametrize('lang, marker', [('es', 'PASA'), ('en', 'PASS')])
def test_verify_and_report_speak_the_language_asked_for(lab_here, tmp_path, lang, marker):
    rc, output = playbook('playbooks/verify.yml', *extra_vars(lang, lab_report_dir=str(tmp_path)))
    assert rc == 0, messages(output)
    with open(tmp_path / 'report.json', encoding='utf-8') as handle:
        report = json.load(handle)
    outcomes = report['hosts'][0]['outcomes']
    # verify.yml judges every scenario; the scratch scenario is not made here (it would leave network namespaces,
    # links and a cgroup on this machine, which the system tests share): its outcomes fail, in the language asked for.
    made_here = [oid for name in TAGS.split(',') for oid in scenarios.BY_NAME[name].OUTCOMES]
    assert outcomes and all(outcomes[oid]['status'] == 'pass' for oid in made_here), outcomes
    evidence = '\n'.join(o['evidence'] for o in outcomes.values())
    assert foreign_words(evidence, lang) == [], (foreign_words(evidence, lang), evidence)
    assert report['lang'] == lang
    table = [m for m in messages(output) if 'report.html' in m]
    assert len(table) == 1 and foreign_words(table[0], lang) == [], table
    html = (tmp_path / 'report.html').read_text(encoding='utf-8')
    assert '<html lang="%s">' % lang in html
    page = ' '.join(re.sub(r'<style>.*?</style>|<!--.*?-->|<[^>]+>', ' ', html, flags=re.S).split())
    assert foreign_words(page, lang) == [], (foreign_words(page, lang), page)


@pytest.mark.parametrize('lang, expected, foreign', [
    ('es', 'Ya existe un contenedor llamado', 'already exists'),
    ('en', 'already exists and is not the lab', 'Ya existe'),
])
def test_a_same_named_container_that_is_not_the_labs_is_refused_in_the_students_language(lang, expected, foreign):
    name = 'lt_mine_%s' % uuid.uuid4().hex[:6]
    subprocess.run(['docker', 'run', '-d', '--name', name, '--entrypoint', 'sleep', SHELL_IMAGE, 'infinity'],
                   capture_output=True, check=True)
    try:
        rc, output = playbook('lab.yml', '--tags', 'nginx', *extra_vars(lang, lab_nginx_container=name))
        failures = [m for m in messages(output) if name in m]
        assert rc != 0 and failures, messages(output)
        assert any(expected in m for m in failures) and not any(foreign in m for m in failures), failures
        assert subprocess.run(['docker', 'inspect', '-f', '{{.State.Running}}', name], capture_output=True,
                              text=True, check=True).stdout.strip() == 'true', 'the student\'s container was touched'
    finally:
        subprocess.run(['docker', 'rm', '-f', name], capture_output=True, check=False)
