# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.microlab.docker_internals.plugins.filter.class_report import class_report

PASS = {'status': 'pass', 'evidence': 'uid 1234'}
FAIL = {'status': 'fail', 'evidence': 'curl exit 7 (refused), expected 28 (timeout)'}


def hostvars(**hosts):
    return {name: dict(values, ansible_host='192.0.2.%d' % index) for index, (name, values) in enumerate(hosts.items(), 1)}


@pytest.mark.parametrize('values, status, reason', [
    ({'lab_outcomes': {'users_uid_matches': PASS}}, 'pass', ''),
    ({'lab_outcomes': {'users_uid_matches': PASS, 'network_lonely_times_out': FAIL}}, 'fail',
     'failing: network_lonely_times_out'),
    ({'lab_outcomes': {}}, 'fail', 'no outcome was recorded (did verify run on this VM?)'),
    ({'lab_verify_reach': {'reachable': False, 'msg': 'ssh: connect to host 192.0.2.1 port 22: No route'}},
     'unreachable', 'ssh: connect to host 192.0.2.1 port 22: No route'),
    ({'lab_verify_reach': {'reachable': True}, 'lab_verify_error': 'docker: no such container',
      'lab_outcomes': {'users_uid_matches': PASS}}, 'fail', 'verify stopped: docker: no such container'),
])
def test_host_status(values, status, reason):
    report = class_report(hostvars(vm1=dict(values, student='ana')), ['vm1'])
    entry, = report['hosts']
    assert (entry['student'], entry['host'], entry['status'], entry['reason']) == ('ana', '192.0.2.1', status, reason)


def test_report_counts_sorts_and_lists_outcomes():
    report = class_report(hostvars(
        vm1={'student': 'zoe', 'lab_outcomes': {'nginx_http_by_ip': PASS}},
        vm2={'student': 'ana', 'lab_outcomes': {'users_uid_matches': FAIL}},
        vm3={'student': 'bruno', 'lab_verify_reach': {'reachable': False, 'msg': 'timeout'}},
        vm4={'student': 'not-in-report', 'lab_outcomes': {'other': PASS}},
    ), ['vm1', 'vm2', 'vm3'], generated='2026-11-25T10:00:00Z')
    assert report['schema_version'] == 1
    assert report['generated'] == '2026-11-25T10:00:00Z'
    assert report['summary'] == {'pass': 1, 'fail': 1, 'unreachable': 1}
    assert [entry['student'] for entry in report['hosts']] == ['ana', 'bruno', 'zoe']
    assert report['outcome_ids'] == ['nginx_http_by_ip', 'users_uid_matches']
    assert report['hosts'][0]['outcomes'] == {'users_uid_matches': FAIL}


def test_student_defaults_to_inventory_name():
    report = class_report({'vm9': {'lab_outcomes': {'x': PASS}}}, ['vm9'])
    assert report['hosts'][0]['student'] == 'vm9' and report['hosts'][0]['host'] == 'vm9'
