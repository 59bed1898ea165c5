# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Scenario 2, nginx: nginx listens on :80 in its container's network namespace, not on the host's; the host
reaches it by the container's IP.

Everything the scenario is, in one place (scenarios/__init__.py says the shape every unit has). Standard
library only.
"""

from __future__ import annotations

from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_judge, lab_observe
from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import labels
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios.options import Option
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge import readers, verdicts
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge.make import make_container
from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import is_lab, labels_argv

NAME = 'nginx'
ROLE = 'lab_nginx'

OPTIONS = {
    'container': Option('str', 'web_server', "The nginx container, the chapter's C(web_server).",
                        challenge='names.server'),
    'port': Option('int', 80, 'The port nginx listens on inside the container.', challenge='port'),
    'http_timeout': Option('int', 5, "Seconds to wait for nginx's answer to the GET from the VM.",
                           challenge='http_timeout'),
}

# The rules of the role's variables that its argument spec cannot express (input_rules says each kind).
RULES = (
    ('container_name', 'lab_nginx_container'),
    ('range', 'lab_nginx_port', 1, 65535),
    ('range', 'lab_nginx_http_timeout', 1, 60),
)

OUTCOMES = ('nginx_listens_in_netns', 'nginx_absent_on_host', 'nginx_http_by_ip', 'nginx_own_netns')
OPTIONAL_OUTCOMES = ()
# The option giving the seconds a probe through the Docker API may last (lab_observe's API timeout), or None.
PROBE_TIMEOUT = None

STEPS = ('nginx_netns', 'nginx_not_on_host', 'nginx_by_ip')
# Each step's points in the class's grades (lab_report_scoring may change them).
POINTS = {'nginx_netns': 10, 'nginx_not_on_host': 10, 'nginx_by_ip': 10}
NEEDS = ('processes', 'sockets', 'http')
SOLVE = {'nginx_netns': ('server',), 'nginx_not_on_host': ('server',), 'nginx_by_ip': ('server',)}


# Make -----------------------------------------------------------------------------------------


def server(name, images):
    """The chapter's web_server: nginx in the foreground, no published port (the network scenario asks it too,
    with the same spec, so that the two never recreate each other's)."""
    return {'name': name, 'image': images['nginx'], 'entrypoint': ['nginx'], 'command': ['-g', 'daemon off;'],
            'network': '', 'labels': labels(NAME)}


def containers(inputs, images):
    return [server(inputs['container'], images)]


def networks(inputs):
    return []


def directories(inputs):
    return []


# Nothing made outside the engine.
OUTSIDE = None


# Observe --------------------------------------------------------------------------------------


def container_names(options):
    return [options['container']]


def network_names(options):
    return []


def start(api, options, found):
    return None


def read(options, found, observation):
    """The sockets of nginx's network namespace and of the host's, and a GET by the container's IP."""
    container = found.get(options['container'])
    observation['sockets'] = lab_observe.read_sockets(options['container'], container)
    ip = lab_observe.first_ip(container)
    observation['http'] = (lab_observe.http_get('http://%s:%s/' % (ip, options['port']), options['http_timeout'])
                           if ip else None)


# Judge ----------------------------------------------------------------------------------------


def outcome_ids(options):
    return OUTCOMES


def sockets_text(sockets):
    """Each socket with its owner; without root the owner is not visible, and is said so."""
    return [('ev.nginx_socket', {'address': s['address'], 'port': s['port'], 'process': s['name'], 'pid': s['pid']})
            if s.get('pid') else ('ev.nginx_socket_unowned', {'address': s['address'], 'port': s['port']})
            for s in sockets]


def judge(observation, options):
    name, port = options['container'], int(options['port'])
    problem = lab_judge.container_problem(observation, name)
    sockets = observation.get('sockets') or {}
    host = sockets.get('host') or {}
    results = {}
    inside = sockets.get('container') or {}
    if problem:
        results['nginx_listens_in_netns'] = lab_judge.failed(problem)
    elif 'error' in inside:
        results['nginx_listens_in_netns'] = lab_judge.fail('ev.read_error', name=name, error=inside['error'])
    else:
        found = lab_judge.listening_on(inside, port)
        results['nginx_listens_in_netns'] = (
            lab_judge.result(True, 'ev.nginx_listens', name=name, inode=inside.get('netns_inode'),
                             sockets=lab_judge.joined(sockets_text(found))) if found
            else lab_judge.fail('ev.nginx_nothing', name=name, inode=inside.get('netns_inode'), port=port))
    on_host = lab_judge.listening_on(host, port)
    if 'error' in host:
        results['nginx_absent_on_host'] = lab_judge.fail('ev.read_error', name='host', error=host['error'])
    elif on_host:
        results['nginx_absent_on_host'] = lab_judge.fail('ev.host_taken', inode=host.get('netns_inode'), port=port,
                                                         sockets=lab_judge.joined(sockets_text(on_host)))
    elif problem:
        results['nginx_absent_on_host'] = lab_judge.fail('ev.host_clear_not_running', inode=host.get('netns_inode'),
                                                         port=port, name=name)
    else:
        results['nginx_absent_on_host'] = lab_judge.result(True, 'ev.host_clear', inode=host.get('netns_inode'),
                                                           port=port)
    if problem:
        results['nginx_own_netns'] = lab_judge.failed(problem)
    else:
        ok, mine, host = lab_judge.own_namespace(observation, name, 'net')
        results['nginx_own_netns'] = lab_judge.result(ok, 'ev.net_namespace', name=name, inode=mine, host=host)
    http = observation.get('http')
    if not http:
        results['nginx_http_by_ip'] = lab_judge.failed(problem or ('ev.no_ip', {'name': name}))
    elif http.get('status') is None:
        results['nginx_http_by_ip'] = lab_judge.fail('ev.http_error', url=http['url'], error=http.get('error') or '?')
    else:
        results['nginx_http_by_ip'] = lab_judge.result(http['status'] == 200, 'ev.http_status', url=http['url'],
                                                       status=http['status'])
    return results


# Explain --------------------------------------------------------------------------------------


def explain_params(options, observation, images):
    return {'name': options['container'], 'port': options['port'], 'nginx_image': images.get('nginx', '?')}


def explain_more(say, lang, options, observation):
    return []

# Challenge ------------------------------------------------------------------------------------


def challenge_networks(config):
    return []


def challenge_start(observation, config, runner):
    return None


def challenge_read(observation, config, proc):
    """The sockets of web_server's network namespace and of the host's (from /proc, no root), and a GET by its IP."""
    server = observation['containers'].get(config['names']['server'])
    observation['sockets'] = readers.read_sockets(server, proc)
    ip = lab_observe.first_ip(server)
    observation['http'] = (lab_observe.http_get('http://%s:%s/' % (ip, config['port']), config['http_timeout'])
                           if ip else None)


def server_problem(observation, config):
    """Why web_server is not the chapter's nginx in a network namespace of its own, as evidence, or None.

    nginx: a process of the container is named nginx (/proc/PID/comm), whatever the image; the
    container runs without --network host and publishes no port (-p puts docker-proxy on the host).
    """
    name = config['names']['server']
    problem = lab_judge.container_problem(observation, name)
    if problem:
        return problem
    server = observation['containers'][name]
    if server.get('network_mode') == 'host':
        return ('ch.ev.server_host_network', {'name': name})
    if server.get('ports'):
        return ('ch.ev.server_published', {'name': name, 'ports': ', '.join(server['ports'])})
    processes = ((observation.get('processes') or {}).get(name) or {}).get('processes') or []
    commands = sorted(set(p.get('command') or '' for p in processes) - set(['']))
    if 'nginx' not in commands:
        return ('ch.ev.server_not_nginx', {'name': name, 'commands': ', '.join(commands) or ('word.no_process', {})})
    return None


def judge_server(observation, config):
    """nginx_netns, nginx_not_on_host and nginx_by_ip: lab_judge's nginx outcomes, once web_server is nginx."""
    names = config['names']
    problem = server_problem(observation, config)
    if problem:
        failed = verdicts.fail(*problem)
        return {'nginx_netns': failed, 'nginx_not_on_host': failed, 'nginx_by_ip': failed}
    nginx = judge(observation, {'container': names['server'], 'port': int(config['port'])})
    by_lab = is_lab(observation['containers'][names['server']])
    inside = nginx['nginx_listens_in_netns']
    on_host = nginx['nginx_absent_on_host']
    return {'nginx_netns': verdicts.credited(inside, by_lab),
            'nginx_not_on_host': verdicts.credited(on_host if inside['status'] == 'pass' else inside, by_lab),
            'nginx_by_ip': verdicts.credited(nginx['nginx_http_by_ip'], by_lab)}


def judge_steps(observation, config, steps):
    server = judge_server(observation, config)
    return dict((step, server[step]) for step in steps)


def solve_server(observation, config, results):
    """web_server running nginx, made by the lab unless it runs."""
    name = config['names']['server']
    return make_container(observation, name, ['docker', 'run', '-d', '--name', name] + labels_argv(NAME)
                          + [config['images']['nginx']])


def challenge_reset(config, proc='/proc'):
    """Nothing outside the engine: the lab's containers and networks go by their label."""
    return [], []


ACTIONS = {'server': solve_server}
