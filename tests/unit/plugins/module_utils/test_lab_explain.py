# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""lab_explain: each scenario's text has what was done, what to look at with the commands, why and the result,
in both languages, with the names and images the lab was given."""

from __future__ import annotations

import json
import os
import re

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, lab_explain, scenarios

OBSERVATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'observations')
LANGS = ('en', 'es')
IMAGES = {'shell': 'registry.example/shell:1', 'nginx': 'registry.example/nginx:2', 'curl': 'registry.example/curl:3'}
# Names of the student's own choosing; the network server is the recorded web_server, for its real IP.
SPEC = {
    'users': {'root_container': 'my_root', 'uid_container': 'my_uid', 'uid': 2000, 'userns_remap': False,
              'remapped_container': 'my_remapped', 'share_dir': '/srv/my_share'},
    'nginx': {'container': 'my_web', 'port': 8080, 'http_timeout': 5},
    'network': {'name': 'my_net', 'server': 'web_server', 'bridge_client': 'my_b', 'lonely_client': 'my_l',
                'timeout': 3},
}
REMAP = dict(SPEC, users=dict(SPEC['users'], userns_remap=True))
# What each scenario's commands must show.
SHOWN = {
    'users': ['docker run -d --name my_root --user 0 --entrypoint sleep registry.example/shell:1 infinity',
              "docker run -d --name my_uid --user 2000 -v /srv/my_share:/shared --entrypoint sh registry.example/shell:1"
              " -c 'touch /shared/written-by-uid-2000 && exec sleep infinity'",
              'ps -o user,uid,pid,args -C sleep', 'docker top my_uid', 'ls -ln /srv/my_share',
              "PID=$(docker inspect -f '{{.State.Pid}}' my_uid)", 'grep NSpid /proc/$PID/status',
              'sudo readlink /proc/$PID/ns/pid /proc/1/ns/pid'],
    'nginx': ["docker run -d --name my_web --entrypoint nginx registry.example/nginx:2 -g 'daemon off;'",
              "PID=$(docker inspect -f '{{.State.Pid}}' my_web)", 'sudo nsenter -t "$PID" -n ss -tln',
              '0.0.0.0:8080', '[::]:8080', "IP=$(docker inspect -f '{{range .NetworkSettings.Networks}}"
                                           "{{.IPAddress}}{{end}}' my_web)",
              'sudo readlink /proc/$PID/ns/net /proc/1/ns/net'],
    'network': ['docker network create my_net',
                'docker run -d --name my_b --entrypoint sleep registry.example/curl:3 infinity',
                'docker run -d --name my_l --network my_net --entrypoint sleep registry.example/curl:3 infinity',
                'docker exec my_b curl -sI -m 3 http://172.17.0.8/',
                'docker exec my_l curl -sI -m 3 http://172.17.0.8/',
                "docker network inspect -f '{{.Name}} {{range .IPAM.Config}}{{.Subnet}}{{end}}' bridge my_net",
                'docker exec my_b ip -brief address', 'docker exec my_l ip -brief address',
                'ip -brief link show master docker0'],
}


def observation():
    with open(os.path.join(OBSERVATIONS, 'live_all_pass.json')) as handle:
        return json.load(handle)


def explained(lang, scenario, spec=None, images=None):
    spec = SPEC if spec is None else spec
    images = IMAGES if images is None else images
    obs = observation()
    outcomes = lab_explain.rendered_outcomes(lang, scenarios.judge(obs, spec))
    return lab_explain.explain(lang, scenario, spec, obs, outcomes, images), outcomes


@pytest.mark.parametrize('scenario', ['users', 'nginx', 'network'])
@pytest.mark.parametrize('lang', LANGS)
def test_the_four_parts_in_order(lang, scenario):
    text, outcomes = explained(lang, scenario)
    lines = text.split('\n')

    def say(key):
        return catalog.text(lang, key)

    assert lines[0] == catalog.text(lang, scenario + '.title')
    starts = [next(i for i, line in enumerate(lines) if line.startswith(say(label)))
              for label in ('label.done', 'label.look', 'label.why', 'label.result')]
    assert starts == sorted(starts) and len(set(starts)) == 4
    done, look, why, result = starts
    # The notes, then the errata (real errors of the chapter), one indented item each, just before the result;
    # a part with no item has no heading.
    expected = []
    for part in ('notes', 'errata'):
        items = catalog.messages(lang)[scenario + '.' + part]
        if items:
            expected += [say('label.' + part)] + ['  - '] * len(items)
    shown = lines[why + 1:result]
    assert [line if not line.startswith('  - ') else '  - ' for line in shown] == expected
    assert all(len(line) > 20 for line in shown if line.startswith('  - '))
    # What to look at is followed by its commands, indented.
    commands = lines[look + 1:why]
    assert commands and all(line.startswith('  ') for line in commands)
    # The result names every outcome of the scenario with its status word and evidence.
    results = lines[result + 1:]
    ids = scenarios.outcome_ids(SPEC, [scenario])
    assert len(results) == len(ids)
    for line, oid in zip(results, ids):
        assert line == '  %s %s: %s' % (say('status.' + outcomes[oid]['status']), oid, outcomes[oid]['evidence'])
    assert lines[why] != say('label.why') and len(lines[why]) > len(say('label.why')) + 20


@pytest.mark.parametrize('scenario', ['users', 'nginx', 'network'])
@pytest.mark.parametrize('lang', LANGS)
def test_the_commands_show_the_real_names_and_images(lang, scenario):
    text, unused_outcomes = explained(lang, scenario)
    for shown in SHOWN[scenario]:
        assert shown in text, shown
    assert not re.search(r'(?<!\{)\{[a-z_]+\}(?!\})', text), 'a placeholder left unformatted'


@pytest.mark.parametrize('lang, done, why', [
    ('en', 'What was done:', 'Why:'),
    ('es', 'Qué se hizo:', 'Por qué:'),
])
def test_labels_are_in_the_language(lang, done, why):
    text, unused_outcomes = explained(lang, 'users')
    assert done in text and why in text


@pytest.mark.parametrize('lang', LANGS)
def test_userns_variant_adds_its_lines_and_outcome(lang):
    text, outcomes = explained(lang, 'users', spec=REMAP)
    assert catalog.text(lang, 'users.userns', remapped='my_remapped') in text
    assert "cat /proc/$(docker inspect -f '{{.State.Pid}}' my_remapped)/uid_map" in text
    assert 'grep dockremap /etc/subuid' in text
    assert 'users_userns_remapped: ' in text
    plain, unused_outcomes = explained(lang, 'users')
    assert 'my_remapped' not in plain and 'users_userns_remapped' not in plain


@pytest.mark.parametrize('lang', LANGS)
def test_without_images_or_server_ip_the_commands_say_so(lang):
    spec = dict(SPEC, network=dict(SPEC['network'], server='my_web'))
    text, unused_outcomes = explained(lang, 'network', spec=spec, images={})
    assert 'docker run -d --name my_b --entrypoint sleep ? infinity' in text
    assert 'curl -sI -m 3 http://IP/' in text


def test_rendered_outcomes_is_the_shape_of_lab_outcomes():
    results = {'users_root_is_uid0': {'status': 'fail', 'evidence': ('ev.missing', {'name': 'my_root'})}}
    assert lab_explain.rendered_outcomes('en', results) == {
        'users_root_is_uid0': {'status': 'fail', 'evidence': 'my_root does not exist'}}
    assert lab_explain.rendered_outcomes('es', results)['users_root_is_uid0']['evidence'] == 'my_root no existe'


def _spec_recorded_clients():
    """SPEC with the clients of live_all_pass.json, so that what they saw is in the observation."""
    return dict(SPEC, network=dict(SPEC['network'], bridge_client='curl_bridge', lonely_client='curl_lonely'))


@pytest.mark.parametrize('lang, heading, uid_line', [
    ('en', 'What each client sees of its own network (ip -brief address):',
     'curl_bridge\'s own sleep runs as host UID 0 (root): the image\'s user, "root".'),
    ('es', 'Lo que cada cliente ve de su propia red (ip -brief address):',
     'El proceso sleep de curl_bridge corre con el UID 0 del host (root): el usuario de la imagen, "root".'),
])
def test_network_shows_what_the_clients_see_and_their_uids(lang, heading, uid_line):
    text, unused_outcomes = explained(lang, 'network', spec=_spec_recorded_clients())
    lines = text.split('\n')
    assert heading in lines
    start = lines.index(heading)
    assert lines[start + 1:start + 5] == ['  curl_bridge: lo UNKNOWN 127.0.0.1/8',
                                          '  curl_bridge: eth0@if48 UP 172.17.0.10/16',
                                          '  curl_lonely: lo UNKNOWN 127.0.0.1/8',
                                          '  curl_lonely: eth0@if50 UP 172.20.0.2/16']
    assert any(line.startswith(uid_line) for line in lines), uid_line
    assert sum('curl_lonely' in line and 'UID 0' in line for line in lines) == 1


@pytest.mark.parametrize('lang', LANGS)
def test_network_without_client_observations_shows_no_client_lines(lang):
    text, unused_outcomes = explained(lang, 'network')
    assert catalog.text(lang, 'network.seen_inside') not in text


@pytest.mark.parametrize('lang', LANGS)
def test_users_without_share_dir_says_question_mark(lang):
    spec = dict(SPEC, users=dict(SPEC['users'], share_dir=''))
    text, unused_outcomes = explained(lang, 'users', spec=spec)
    assert 'ls -ln ?' in text
