# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Scenario 3, network isolation: curl from the default bridge gets 200 from nginx; from the user-defined
network lonely_curl it times out; the two clients have different interfaces, subnets and bridges.

Everything the scenario is, in one place (scenarios/__init__.py says the shape every unit has). Its curl
probes run in threads started before the rest of the observation is read, so curl's timeout is paid once.
Standard library only.
"""

from __future__ import annotations

import ipaddress
import threading

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, firewall, lab_judge, lab_observe
from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import labels
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios import nginx
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios.objects import sleeper
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios.options import Option
from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_step_runs
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge import probe, verdicts
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge.make import make_container
from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import is_lab, labels_argv

NAME = 'network'
ROLE = 'lab_network'

OPTIONS = {
    'name': Option('str', 'lonely_curl', "The user-defined network, the chapter's C(lonely_curl).",
                   challenge='names.network'),
    'server': Option('str', nginx.OPTIONS['container'].default,
                     'The nginx container both clients ask, on the default bridge.'),
    'bridge_client': Option('str', 'curl_bridge', 'The curl client on the default bridge.',
                            challenge='names.bridge_client'),
    'lonely_client': Option('str', 'curl_lonely', 'The curl client on O(network.name).',
                            challenge='names.lonely_client'),
    'timeout': Option('int', 2, "curl's C(--max-time) in seconds; the lonely client must time out after it.",
                      challenge='timeout'),
}

# The rules of the role's variables that its argument spec cannot express (input_rules says each kind).
RULES = (
    ('network_name', 'lab_network_name'),
    ('container_name', 'lab_network_server', 'lab_network_bridge_client', 'lab_network_lonely_client'),
    ('distinct', 'lab_network_server', 'lab_network_bridge_client', 'lab_network_lonely_client'),
    ('range', 'lab_network_timeout', 1, 60),
)

OUTCOMES = ('network_bridge_http_200', 'network_lonely_times_out', 'network_interfaces_differ',
            'network_veth_pairs', 'network_drop_rule')
OPTIONAL_OUTCOMES = ()
# The option giving the seconds a probe through the Docker API may last (lab_observe's API timeout), or None.
PROBE_TIMEOUT = 'timeout'

STEPS = ('network_created', 'network_bridge_200', 'network_lonely_timeout', 'networks_differ')
# Each step's points in the class's grades (lab_report_scoring may change them); isolation is the hardest.
POINTS = {'network_created': 10, 'network_bridge_200': 10, 'network_lonely_timeout': 15, 'networks_differ': 15}
NEEDS = ('processes', 'probes')
SOLVE = {
    'network_created': ('network',),
    'network_bridge_200': ('server', 'bridge_client'),
    'network_lonely_timeout': ('server', 'network', 'lonely_client'),
    'networks_differ': ('server', 'network', 'bridge_client', 'lonely_client'),
}


# Make -----------------------------------------------------------------------------------------


def containers(inputs, images):
    return [nginx.server(inputs['server'], images),
            sleeper(inputs['bridge_client'], images['curl'], NAME),
            sleeper(inputs['lonely_client'], images['curl'], NAME, network=inputs['name'])]


def networks(inputs):
    return [{'name': inputs['name'], 'labels': labels(NAME)}]


def directories(inputs):
    return []


# Nothing made outside the engine.
OUTSIDE = None


# Observe --------------------------------------------------------------------------------------


def container_names(options):
    return [options['server'], options['bridge_client'], options['lonely_client']]


def network_names(options):
    return ['bridge', options['name']]


def start_probes(api, options, found):
    """Threads running curl (and the interface listing) in each running client.

    Returns ({client: curl result}, {client: interfaces}, threads); the dicts fill in as the threads end.
    """
    results, links, threads = {}, {}, []
    ip = lab_observe.bridge_ip(found.get(options['server']))
    url = 'http://%s/' % ip if ip else ''
    for client in (options['bridge_client'], options['lonely_client']):
        if not (found.get(client) or {}).get('running'):
            results[client] = {'ran': False, 'url': url, 'error': 'not running'}
            continue
        threads.append(lab_observe.in_thread(links, client, lab_observe.interfaces, api, client))
        if not url:
            results[client] = {'ran': False, 'url': url, 'error': 'no server IP'}
            continue
        threads.append(lab_observe.in_thread(results, client, lab_observe.probe, api, client, url, options['timeout']))
    return results, links, threads


def start(api, options, found):
    """Start the probes; the firewall's counters around them tell which rule dropped the lonely client's packets.
    Returns what completes the observation once everything else is read."""
    before = firewall.snapshot()
    probes, links, threads = start_probes(api, options, found)

    def finish(observation):
        for thread in threads:
            thread.join()
        observation['probes'] = probes
        observation['interfaces'] = links
        observation['firewall'] = {'before': before, 'after': firewall.snapshot()}
    return finish


def read(options, found, observation):
    observation['host_links'] = lab_observe.host_links()


# Judge ----------------------------------------------------------------------------------------

CURL_TIMEOUT = 28
CURL_REFUSED = 7


def outcome_ids(options):
    return OUTCOMES


def side(observation, client, network_name):
    """One client as the interfaces outcome describes it."""
    container = (observation.get('containers') or {}).get(client)
    network = (observation.get('networks') or {}).get(network_name)
    running = bool(container and container['running'])
    attached = container['networks'] if running else {}
    on = attached.get(network_name) or {}
    return {
        'client': client,
        'running': running,
        'networks': sorted(attached),
        'ip': '%s/%s' % (on['ip'], on['prefix']) if on.get('ip') else '',
        'subnet': (network or {}).get('subnets', [''])[0] if (network or {}).get('subnets') else '',
        'bridge': (network or {}).get('bridge') or '',
    }


def curl_what(result, lonely, timeout):
    """What curl's result means, as evidence."""
    rc = result.get('rc')
    if rc == 0 and lonely:
        return ('ev.curl_not_isolated', {'code': result.get('http_code')})
    if rc == 0:
        return ('ev.curl_http', {'code': result.get('http_code'), 'time': result.get('time')})
    if rc == CURL_TIMEOUT:
        return ('ev.curl_timeout', {'timeout': timeout})
    if rc == CURL_REFUSED:
        return ('ev.curl_refused', {'stderr': result.get('stderr') or '?'})
    return ('ev.curl_other', {'rc': rc, 'stderr': result.get('stderr') or ''})


def judge_probe(observation, options, client, lonely):
    result = (observation.get('probes') or {}).get(client) or {}
    if not result.get('ran'):
        server_problem = lab_judge.container_problem(observation, options['server'])
        if server_problem:
            return lab_judge.failed(server_problem)
        client_problem = lab_judge.container_problem(observation, client)
        if client_problem:
            return lab_judge.failed(client_problem)
        if not result.get('url'):
            return lab_judge.fail('ev.curl_no_server_ip', server=options['server'])
        return lab_judge.fail('ev.curl_other', rc='?', stderr=result.get('error') or '')
    net = options['name'] if lonely else 'bridge'
    about = side(observation, client, net)
    what = curl_what(result, lonely, options['timeout'])
    if lonely:
        ok = result.get('rc') == CURL_TIMEOUT
    else:
        ok = result.get('rc') == 0 and result.get('http_code') == '200'
    return lab_judge.result(ok, 'ev.curl', client=client, ip=about['ip'] or ('word.no_ip', {}),
                            network=' + '.join(about['networks']) or ('word.no_network', {}), url=result['url'],
                            what=what)


def judge_interfaces(observation, options):
    bridge = side(observation, options['bridge_client'], 'bridge')
    lonely = side(observation, options['lonely_client'], options['name'])
    ok = (bridge['running'] and lonely['running']
          and bridge['networks'] == ['bridge'] and lonely['networks'] == [options['name']]
          and bridge['ip'] and lonely['ip']
          and bridge['subnet'] and lonely['subnet'] and bridge['subnet'] != lonely['subnet']
          and bridge['bridge'] and lonely['bridge'] and bridge['bridge'] != lonely['bridge'])
    return lab_judge.result(bool(ok), 'list', items=[_side_text(bridge), _side_text(lonely)], separator='; ')


def _side_text(about):
    return ('ev.side', {'client': about['client'], 'ip': about['ip'] or ('word.no_ip', {}),
                        'networks': ' + '.join(about['networks']) or ('word.no_network', {}),
                        'subnet': about['subnet'] or '?', 'bridge': about['bridge'] or '?'})


def veth_peer(observation, client, bridge):
    """(ok, evidence) for one client: its eth0 is one end of a veth pair whose host end is on bridge."""
    problem = lab_judge.container_problem(observation, client)
    if problem:
        return False, problem
    seen = (observation.get('interfaces') or {}).get(client) or {}
    index = seen.get('eth0_peer_index')
    peer = (observation.get('host_links') or {}).get(str(index)) if index else None
    if not peer:
        return False, ('ev.veth_missing', {'client': client})
    return peer['master'] == bridge and bool(bridge), ('ev.veth', {'client': client, 'veth': peer['name'],
                                                                   'master': peer['master'] or '?'})


def judge_veth_pairs(observation, options):
    checks = [veth_peer(observation, options['bridge_client'],
                        side(observation, options['bridge_client'], 'bridge')['bridge']),
              veth_peer(observation, options['lonely_client'],
                        side(observation, options['lonely_client'], options['name'])['bridge'])]
    return lab_judge.result(all(ok for ok, evidence in checks), 'list', items=[evidence for ok, evidence in checks],
                            separator='; ')


def drop_rule(observation, options):
    """The firewall rule whose packet counter went up while the lonely client timed out (firewall.find_drop)."""
    walls = observation.get('firewall')
    if not walls:
        return lab_judge.fail('ev.fw_not_read')
    probe = (observation.get('probes') or {}).get(options['lonely_client']) or {}
    if probe.get('rc') != CURL_TIMEOUT:
        return lab_judge.fail('ev.fw_no_timeout', client=options['lonely_client'])
    server = (observation.get('containers') or {}).get(options['server']) or {}
    found = firewall.find_drop(walls['before'], walls['after'],
                               side(observation, options['lonely_client'], options['name'])['bridge'],
                               side(observation, options['bridge_client'], 'bridge')['bridge'],
                               ((server.get('networks') or {}).get('bridge') or {}).get('ip') or None)
    drop = found['drop']
    if drop:
        return lab_judge.result(True, 'ev.fw_drop', rule=drop['rule'], table=drop['table'], chain=drop['chain'],
                                backend=drop['backend'], before=drop['packets_before'], after=drop['packets_after'],
                                command=drop['command'])
    if found['candidates']:
        return lab_judge.fail('ev.fw_no_counter', rule=found['candidates'][0]['rule'])
    return lab_judge.fail('ev.fw_none', errors='; '.join(found['errors']) or '-')


def judge(observation, options):
    return {
        'network_drop_rule': drop_rule(observation, options),
        'network_veth_pairs': judge_veth_pairs(observation, options),
        'network_bridge_http_200': judge_probe(observation, options, options['bridge_client'], False),
        'network_lonely_times_out': judge_probe(observation, options, options['lonely_client'], True),
        'network_interfaces_differ': judge_interfaces(observation, options),
    }


# Explain --------------------------------------------------------------------------------------


def explain_params(options, observation, images):
    ip = lab_observe.bridge_ip((observation.get('containers') or {}).get(options['server']))
    return {'server': options['server'], 'network': options['name'], 'timeout': options['timeout'],
            'bridge_client': options['bridge_client'], 'lonely_client': options['lonely_client'],
            'url': 'http://%s/' % (ip or 'IP'), 'curl_image': images.get('curl', '?')}


def explain_more(say, lang, options, observation):
    """The clients' own view of their network and the UID their sleep runs as, from the observation."""
    lines = []
    clients = (options['bridge_client'], options['lonely_client'])
    seen = [(client, ((observation.get('interfaces') or {}).get(client) or {}).get('ip_brief') or [])
            for client in clients]
    if any(found for client, found in seen):
        lines.append(say('network.seen_inside'))
        lines += ['  %s: %s' % (client, line) for client, found in seen for line in found]
    for client in clients:
        processes = ((observation.get('processes') or {}).get(client) or {}).get('processes') or []
        if processes:
            first = processes[0]
            user = lab_judge.user_name(first.get('host_user'))
            image_user = ((observation.get('containers') or {}).get(client) or {}).get('user') or 'root'
            lines.append(catalog.text(lang, 'network.client_uid', client=client, uid=first['host_uid'],
                                      user=catalog.render(lang, user), image_user=image_user))
    return lines

# Challenge ------------------------------------------------------------------------------------


def challenge_networks(config):
    return ['bridge', config['names']['network']]


def challenge_start(observation, config, runner):
    """The lab's probes from both networks, in threads; what completes the observation when they end."""
    probes, threads = challenge_probes(observation, config, runner)

    def finish():
        for thread in threads:
            thread.join()
        observation['probes'] = probes
    return finish


def challenge_read(observation, config, proc):
    """The probes are all these steps need beyond the processes."""


def challenge_probes(observation, config, runner):
    """Threads probing web_server from each network: in a live client's netns, else from the network itself.

    {side: result} fills in; observation['probe_clients'] says which client each side used ('' = the network).
    """
    containers = observation['containers']
    names = config['names']
    server_ip = lab_observe.bridge_ip(containers.get(names['server']))
    url = 'http://%s:%s/' % (server_ip, config['port']) if server_ip else ''
    clients, results, threads = {}, {}, []
    for side, network in (('bridge', 'bridge'), ('lonely', names['network'])):
        clients[side] = verdicts.live_client(containers, network, config)
        if not url:
            results[side] = {'ran': False, 'url': '', 'error': 'no server IP'}
            continue
        if not clients[side] and not (observation.get('networks') or {}).get(network):
            results[side] = {'ran': False, 'url': url, 'error': 'no network'}
            continue
        where = 'container:' + clients[side] if clients[side] else network
        thread = threading.Thread(target=lambda s=side, w=where: results.__setitem__(s, probe.probe(config, w, url, runner)))
        thread.daemon = True
        thread.start()
        threads.append(thread)
    observation['probe_clients'] = clients
    return results, threads


def network_problem(observation, config):
    """Why lonely_curl is not the chapter's user-defined bridge network, as evidence, or None."""
    name = config['names']['network']
    network = (observation.get('networks') or {}).get(name)
    if not network:
        return ('ch.ev.network_missing', {'network': name})
    if network.get('driver') != 'bridge':
        return ('ch.ev.network_driver', {'network': name, 'driver': network.get('driver') or verdicts.UNKNOWN})
    if network.get('internal'):
        return ('ch.ev.network_internal', {'network': name})
    return None


def _created(observation, network, config):
    """When the chapter's own network was created (runs on an earlier one of that name do not count), or None."""
    if network != config['names']['network']:
        return None
    return ((observation.get('networks') or {}).get(network) or {}).get('created') or None


def judge_network_created(observation, config):
    name = config['names']['network']
    problem = network_problem(observation, config)
    if problem:
        return verdicts.fail(*problem)
    network = observation['networks'][name]
    return verdicts.ok('ch.ev.network_exists', is_lab(network), network=name, driver=network['driver'],
                       subnet=', '.join(network.get('subnets') or []) or verdicts.UNKNOWN,
                       bridge=network.get('bridge') or verdicts.UNKNOWN)


def probe_what(observation, side, lonely, config):
    """(whether the lab's probe from this side saw what the chapter expects, its evidence)."""
    result = (observation.get('probes') or {}).get(side) or {}
    client = (observation.get('probe_clients') or {}).get(side) or ''
    network = config['names']['network'] if lonely else 'bridge'
    where = ('ch.ev.probe_in', {'client': client}) if client else ('ch.ev.probe_on', {'network': network})
    if not result.get('ran'):
        return False, ('ch.ev.probe_not_run', {'where': where, 'error': result.get('error') or verdicts.UNKNOWN})
    ok = result.get('rc') == CURL_TIMEOUT if lonely else (
        result.get('rc') == 0 and result.get('http_code') == '200')
    return ok, ('ch.ev.probe', {'where': where, 'url': result.get('url') or '',
                                'what': curl_what(result, lonely, config['timeout'])})


def judge_curl(observation, config, lonely):
    """network_bridge_200 / network_lonely_timeout: the live state holds (the lab's probe) and someone did it.

    Done by the student: a recorded run of theirs on that network only, to web_server's IP, with curl's exit code
    (0 and nginx's page; 28), else a live container on that network only, the probe having run in it: the
    student's, or the lab's (lab solve).
    """
    names = config['names']
    problem = nginx.server_problem(observation, config) or (network_problem(observation, config) if lonely else None)
    if problem:
        return verdicts.fail(*problem)
    side = 'lonely' if lonely else 'bridge'
    network = names['network'] if lonely else 'bridge'
    ok, seen = probe_what(observation, side, lonely, config)
    if not ok:
        return verdicts.fail(*seen)
    server_ip = lab_observe.bridge_ip(observation['containers'][names['server']])
    find = lab_step_runs.lonely_curl if lonely else lab_step_runs.bridge_curl
    run = find(observation.get('runs'), network, server_ip, _created(observation, network, config))
    if run:
        return verdicts.ok('ch.ev.run_curl', network=network, rc=run.get('exit_code'), ip=server_ip,
                           **lab_step_runs.described(run))
    client = (observation.get('probe_clients') or {}).get(side) or ''
    if client:
        return verdicts.ok_from(seen, is_lab(observation['containers'][client]))
    return verdicts.fail('ch.ev.no_curl_run', network=network, ip=server_ip, seen=seen)


def side_of(observation, config, network):
    """(evidence, subnet, by_lab) of the address a container on network only showed, or (evidence, '', False).

    A recorded run of the student's first (`ip a`), else a live container there (the student's before the lab's).
    """
    subnets = ((observation.get('networks') or {}).get(network) or {}).get('subnets') or []
    run, ip, subnet = lab_step_runs.interfaces_run(observation.get('runs'), network, subnets,
                                                   _created(observation, network, config))
    if run:
        return ('ch.ev.side_run', dict(lab_step_runs.described(run), ip=ip, network=network, subnet=subnet)), subnet, False
    containers = verdicts.running(observation)
    client = verdicts.live_client(containers, network, config)
    if client:
        return _live_side(containers[client], network) + (is_lab(containers[client]),)
    return ('ch.ev.no_side', {'network': network}), '', False


def _live_side(container, network):
    """(evidence, subnet) of a running container's address on network."""
    on = container['networks'][network]
    if not on.get('ip'):
        return ('ch.ev.no_side', {'network': network}), ''
    subnet = str(ipaddress.ip_network('%s/%s' % (on['ip'], on['prefix']), strict=False))
    return ('ch.ev.side_live', {'client': container['name'], 'ip': on['ip'], 'network': network, 'subnet': subnet}), subnet


def judge_differ(observation, config):
    """networks_differ: a container on each network (live, or recorded running `ip a`) showed addresses of
    different subnets, and lonely_curl is still a bridge network of its own."""
    problem = network_problem(observation, config)
    if problem:
        return verdicts.fail(*problem)
    bridge = side_of(observation, config, 'bridge')
    lonely = side_of(observation, config, config['names']['network'])
    ok = bool(bridge[1] and lonely[1] and bridge[1] != lonely[1])
    evidence = ('list', {'items': [bridge[0], lonely[0]], 'separator': '; '})
    if not ok:
        return {'status': 'fail', 'evidence': evidence}
    return verdicts.ok_from(evidence, bridge[2] or lonely[2])


def judge_steps(observation, config, steps):
    judges = {'network_created': lambda: judge_network_created(observation, config),
              'network_bridge_200': lambda: judge_curl(observation, config, False),
              'network_lonely_timeout': lambda: judge_curl(observation, config, True),
              'networks_differ': lambda: judge_differ(observation, config)}
    return dict((step, judges[step]()) for step in steps)


def solve_network(observation, config, results):
    """lonely_curl, created by the lab when it does not exist."""
    name = config['names']['network']
    if (observation.get('networks') or {}).get(name):
        return []
    return [['docker', 'network', 'create'] + labels_argv(NAME) + [name]]


def _client(observation, config, action, network):
    """A sleeping curl client on network ('bridge': the default one)."""
    name = config['names'][action]
    run = ['docker', 'run', '-d', '--name', name] + (['--network', network] if network != 'bridge' else [])
    return make_container(observation, name, run + labels_argv(NAME)
                          + ['--entrypoint', 'sleep', config['images']['curl'], 'infinity'])


def solve_bridge_client(observation, config, results):
    return _client(observation, config, 'bridge_client', 'bridge')


def solve_lonely_client(observation, config, results):
    return _client(observation, config, 'lonely_client', config['names']['network'])


def challenge_reset(config, proc='/proc'):
    """Nothing outside the engine: the lab's containers and networks go by their label."""
    return [], []


ACTIONS = {'network': solve_network, 'bridge_client': solve_bridge_client, 'lonely_client': solve_lonely_client}
