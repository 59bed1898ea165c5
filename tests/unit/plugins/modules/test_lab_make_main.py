# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""main() of lab_make: its options reach lab_make.make as a plan, a refusal is the task's message alone, check mode
is passed on, and bad directory modes fail before anything is made."""

from __future__ import annotations


import pytest

from ansible.module_utils import basic

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DockerAPIError
from ansible_collections.microlab.docker_internals.plugins.modules import lab_make as module

from ansible.module_utils.testing import patch_module_args  # ansible-core 2.19, the only one supported

LAB = {'microlab.lab': 'docker_internals', 'microlab.lab.scenario': 'network'}
CONTAINER = {'name': 'curl_lonely', 'image': 'microlab.local/lab-curl:bookworm', 'entrypoint': ['sleep'],
             'command': ['infinity'], 'network': 'lonely_curl', 'labels': LAB}


class Ended(Exception):
    pass


@pytest.fixture
def run(monkeypatch):
    """Run main() with args and a fake lab_make.make; return ('exit'|'fail', kwargs, what make was given)."""
    def end(how):
        def call(self, **kwargs):
            raise Ended(how, kwargs)
        return call
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', end('exit'))
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', end('fail'))

    def _run(args, outcome=None):
        given = {}

        def make(api_factory, plan, lang, check_mode=False, record=None):
            given.update(plan=plan, lang=lang, check_mode=check_mode, api=api_factory(), record=record)
            if isinstance(outcome, Exception):
                raise outcome
            return {'changed': True, 'directories': [], 'networks': [], 'containers': ['curl_lonely']}

        monkeypatch.setattr(module.lab_make, 'make', make)
        with patch_module_args(args):
            try:
                module.main()
            except Ended as ended:
                return ended.args[0], ended.args[1], given
        raise AssertionError('main() neither exited nor failed')
    return _run


def test_the_options_reach_make_as_a_plan_with_numeric_modes(run):
    how, result, given = run({'containers': [CONTAINER], 'networks': [{'name': 'lonely_curl', 'labels': LAB}],
                              'directories': [{'path': '/srv/lab_files/open', 'owner': 0, 'mode': '0777'}],
                              'language': 'en', 'docker_host': 'unix:///run/other.sock'})
    assert (how, result['containers'], result['changed']) == ('exit', ['curl_lonely'], True)
    assert given['plan']['directories'] == [{'path': '/srv/lab_files/open', 'owner': 0, 'mode': 0o777}]
    assert given['plan']['containers'][0]['network'] == 'lonely_curl'
    assert given['plan']['containers'][0]['user'] == ''  # filled in; lab_make's hash ignores empty options
    assert (given['lang'], given['check_mode'], given['api'].docker_host) == ('en', False, 'unix:///run/other.sock')


def test_remove_outside_removes_through_the_units_and_makes_nothing(run, monkeypatch):
    asked = []
    monkeypatch.setattr(module.scenarios, 'remove_outside', lambda check_mode=False: asked.append(check_mode) or
                        ['scratch: mlscratch0'])
    how, result, given = run({'remove_outside': True, '_ansible_check_mode': True})
    assert (how, result['outside'], result['changed'], asked, given) == ('exit', ['scratch: mlscratch0'], True,
                                                                         [True], {})


def test_check_mode_is_passed_on(run):
    how, _result, given = run({'containers': [CONTAINER], '_ansible_check_mode': True})
    assert how == 'exit' and given['check_mode'] is True


@pytest.mark.parametrize('lang', ['es', 'en'])
def test_a_refusal_is_the_tasks_message_alone(run, lang):
    text = catalog.text(lang, 'err.container_not_lab', name='curl_lonely')
    how, result, _given = run({'containers': [CONTAINER], 'language': lang}, module.lab_make.Refused(text))
    assert (how, result['msg']) == ('fail', text)


def test_an_engine_error_fails_the_task_with_it(run):
    how, result, _given = run({'containers': [CONTAINER]}, DockerAPIError('POST /containers/create: 409 Conflict'))
    assert (how, result['msg']) == ('fail', 'POST /containers/create: 409 Conflict')


@pytest.mark.parametrize('directory, words', [
    ({'path': '/srv/x', 'owner': 0, 'mode': 'rwx'}, 'not octal'),
    ({'path': 'srv/x', 'owner': 0, 'mode': '0755'}, 'not an absolute path'),
])
def test_a_bad_directory_fails_before_make_is_called(run, directory, words):
    how, result, given = run({'directories': [directory]})
    assert how == 'fail' and words in result['msg'] and given == {}


def test_the_record_of_made_directories_is_an_option(run):
    how, _result, given = run({'containers': [CONTAINER], 'record': '/run/made.json'})
    assert how == 'exit' and given['record'] == '/run/made.json'


def test_removing_the_made_directories_makes_nothing(run, monkeypatch):
    asked = []
    monkeypatch.setattr(module.lab_make, 'remove_made', lambda record, check_mode: asked.append((record, check_mode))
                        or ['/srv/lab_files'])
    how, result, given = run({'remove_made_directories': True, '_ansible_check_mode': True})
    assert (how, result['changed'], result['directories']) == ('exit', True, ['/srv/lab_files'])
    assert asked == [(module.lab_make.MADE_DIRECTORIES, True)] and given == {}


def test_removing_the_made_directories_takes_nothing_to_make(run):
    how, result, given = run({'remove_made_directories': True, 'containers': [CONTAINER]})
    assert how == 'fail' and 'remove_made_directories' in result['msg'] and given == {}
