# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Challenge mode: the chapter as steps the student does, judged from the live state.

The student types the chapter's commands; ``observe(api, config, steps)``
reads what the kernel and the engine show (every running container and its
processes' host UIDs, the sockets of web_server's network namespace and of the
host's, a GET by web_server's IP, curl from a container on each network) and
``judge(observation, config, steps)`` says, per step, pass or fail with
evidence as catalog pairs (catalog.render). Names count only where the
chapter fixes them (web_server, lonely_curl): any running container whose
processes all run as UID 1234 passes ``users_uid``.

Everything here works for any member of the docker group, without root: the
Docker API, /proc/PID/status, /proc/PID/cgroup and /proc/PID/net/tcp* are all
readable by them; network namespaces are not entered. The same code runs in
the `lab` command on the VM (lab_cli.py) and in the module
microlab.docker_internals.lab_challenge_facts that verify.yml calls as root,
so a student cannot fake a pass by editing the progress file.

Also here: the hints (catalog keys), what ``lab solve`` runs (docker CLI
argv, the chapter's commands with the VM's image references) and the
progress history kept on the VM. Standard library only.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import ipaddress
import json
import os
import tempfile
import threading
from urllib.parse import quote

from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_judge, lab_observe, lab_recorder
from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_step_runs, procfs
from ansible_collections.microlab.docker_internals.plugins.module_utils import container_processes, process_scan
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DockerAPIError
from ansible_collections.microlab.docker_internals.plugins.module_utils.netns_sockets import Namer, is_listening, socket_entry

# The chapter's steps, in its order, with the part of the chapter each belongs to.
STEPS = (
    ('users_root', 'users'),
    ('users_uid', 'users'),
    ('nginx_netns', 'nginx'),
    ('nginx_not_on_host', 'nginx'),
    ('nginx_by_ip', 'nginx'),
    ('network_created', 'network'),
    ('network_bridge_200', 'network'),
    ('network_lonely_timeout', 'network'),
    ('networks_differ', 'network'),
)
STEP_IDS = tuple(step for step, _part in STEPS)
PART = dict(STEPS)
HINTS = 3  # hint 1 and 2 are words, hint 3 the exact commands

LAB_LABEL = 'microlab.lab'
LAB_VALUE = 'docker_internals'
SCENARIO_LABEL = 'microlab.lab.scenario'
PROBE_LABEL = 'microlab.lab.probe'
PROXY_VARIABLES = ('HTTP_PROXY', 'HTTPS_PROXY', 'FTP_PROXY', 'ALL_PROXY', 'NO_PROXY',
                   'http_proxy', 'https_proxy', 'ftp_proxy', 'all_proxy', 'no_proxy')
UNKNOWN = ('word.unknown_value', {})
TIME_FORMAT = '%Y-%m-%dT%H:%M:%SZ'
MAX_PROGRESS_BYTES = 64 * 1024
MAX_HINT_COUNT = 1000

DEFAULT_CONFIG = {
    'language': 'es',
    'uid': 1234,
    'port': 80,
    'timeout': 2,
    'http_timeout': 5,
    'names': {'server': 'web_server', 'network': 'lonely_curl', 'root_container': 'lab_user_root',
              'uid_container': 'lab_user_1234', 'bridge_client': 'curl_bridge', 'lonely_client': 'curl_lonely'},
    'images': {'shell': 'debian', 'nginx': 'nginx', 'curl': 'curlimages/curl'},
    'image_ids': {},
    'progress': '/var/lib/microlab/progress.json',
    'runs': lab_recorder.DEFAULT_PATH,
    'docker_host': 'unix:///var/run/docker.sock',
}

# What each step needs observed, and what `lab solve` makes for it.
NEEDS = {
    'users': ('processes',),
    'nginx': ('processes', 'sockets', 'http'),
    'network': ('processes', 'probes'),
}
SOLVE = {
    'users_root': ('root',),
    'users_uid': ('uid',),
    'nginx_netns': ('server',),
    'nginx_not_on_host': ('server',),
    'nginx_by_ip': ('server',),
    'network_created': ('network',),
    'network_bridge_200': ('server', 'bridge_client'),
    'network_lonely_timeout': ('server', 'network', 'lonely_client'),
    'networks_differ': ('server', 'network', 'bridge_client', 'lonely_client'),
}


class StepError(Exception):
    """Something the student must hear in their language: a catalog key and its parameters."""

    def __init__(self, key, **params):
        super(StepError, self).__init__(key)
        self.key = key
        self.params = params


def make_config(data=None):
    """DEFAULT_CONFIG updated with data (lab.json as the lab_challenge role writes it)."""
    config = json.loads(json.dumps(DEFAULT_CONFIG))
    for key, value in (data or {}).items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key].update(value)
        else:
            config[key] = value
    return config


def now_text(now=None):
    """UTC time as the history and the report write it."""
    return (now or datetime.datetime.now(datetime.timezone.utc)).strftime(TIME_FORMAT)


# Observe --------------------------------------------------------------------------------------


def needs(steps):
    """The parts of the observation the steps need."""
    wanted = set()
    for step in steps:
        wanted.update(NEEDS[PART[step]])
    return wanted


def read_containers(api, config):
    """{name: container_view} of every running container, plus the chapter's named ones in any state."""
    status, listing = api.get('/containers/json?all=1')
    if status != 200:
        raise DockerAPIError('Docker engine answered %s listing containers: %s' % (status, (listing or {}).get('message')))
    names = config['names']
    fixed = set((names['server'], names['root_container'], names['uid_container'], names['bridge_client'],
                 names['lonely_client']))
    containers = {}
    for summary in listing or []:
        name = ((summary.get('Names') or ['/' + summary.get('Id', '')])[0]).lstrip('/')
        if summary.get('State') != 'running' and name not in fixed:
            continue
        data = api.inspect_container(summary['Id'])
        if data:
            containers[name] = lab_observe.container_view(data)
    return containers


def read_processes(containers, proc='/proc'):
    """{name: {'processes': [...]}} of running containers, found by their cgroup (no root needed)."""
    running = dict((name, c) for name, c in containers.items() if c['running'] and c['pid'])
    cgroups = dict((name, process_scan.read_cgroup(c['pid'], proc)) for name, c in running.items())
    found = process_scan.processes_by_cgroup(set(text for text in cgroups.values() if text), proc)
    users = container_processes.Users()
    out = {}
    for name, container in sorted(running.items()):
        pids = found.get(cgroups[name]) or [container['pid']]
        processes = [p for p in (container_processes.process_entry(pid, [], {}, users) for pid in pids) if p]
        out[name] = {'processes': processes}
    return out


def read_net(pid_dir, inode=None):
    """A netns_socket_facts-shaped entry from /proc/<pid>/net (readable without root), or {'error'}."""
    try:
        if not os.path.isdir(pid_dir + '/net'):
            raise FileNotFoundError(2, 'no such process', pid_dir)
        records = procfs.read_net_tables(pid_dir + '/net')
    except OSError as exc:
        return {'error': str(exc)}
    namer = Namer()
    # Only root may stat another user's namespace: say so in words rather than print a placeholder.
    return {'netns_inode': inode or ('word.netns_unknown', {}), 'method': 'procfs',
            'tcp_listen': [socket_entry(r, {}, namer) for r in records if r['proto'] == 'tcp' and is_listening(r)]}


def _netns_inode(pid_dir):
    try:
        return os.stat(pid_dir + '/ns/net').st_ino
    except OSError:
        return None  # another user's namespace: only root may stat it


def read_sockets(server, proc='/proc'):
    """{'container': entry, 'host': entry} for the server's network namespace and this process's (the host's)."""
    out = {'host': read_net('%s/self' % proc, _netns_inode('%s/self' % proc))}
    if server and server['running'] and server['pid']:
        pid_dir = '%s/%d' % (proc, server['pid'])
        out['container'] = read_net(pid_dir, _netns_inode(pid_dir))
    return out


def live_client(containers, network, config):
    """The running container attached to network and nothing else to probe from: the student's first, never the server."""
    found = [c for name, c in containers.items()
             if c['running'] and sorted(c['networks']) == [network] and name != config['names']['server']]
    found.sort(key=lambda c: (is_lab(c), c['name']))
    return found[0]['name'] if found else ''


def probe_image(config):
    """The lab's curl image by the ID recorded when the lab installed it (a tag can be moved by anyone)."""
    return (config.get('image_ids') or {}).get('curl') or config['images']['curl']


def probe_argv(config, network, url):
    """docker run of the lab's curl in network ('container:NAME' joins that container's network namespace).

    Labelled as the lab's, removed at once; no proxy reaches it: the docker CLI adds the proxies of
    ~/.docker/config.json to a container's environment only for variables not given, so each is given empty,
    and curl is told to ignore proxies anyway.
    """
    argv = ['docker', 'run', '--rm', '--network', network] + labels_argv('probe') + ['--label', PROBE_LABEL + '=true']
    for variable in PROXY_VARIABLES:
        argv += ['--env', variable + '=']
    return argv + ['--entrypoint', 'curl', probe_image(config)] + lab_observe.curl_argv(url, config['timeout'])[1:]


def probe(config, network, url, runner):
    """The result of the lab's curl from network to url."""
    try:
        rc, out, err = runner(probe_argv(config, network, url))
    except OSError as exc:
        return {'ran': False, 'url': url, 'error': str(exc)}
    if rc in (125, 126, 127):  # docker run itself failed
        return {'ran': False, 'url': url, 'error': err.strip() or 'docker run: %s' % rc}
    fields = out.split()
    return {'ran': True, 'url': url, 'rc': rc, 'http_code': fields[0] if fields else '',
            'time': fields[1] if len(fields) > 1 else '', 'stderr': err.strip()}


def start_probes(observation, config, runner):
    """Threads probing web_server from each network: in a live client's netns, else from the network itself.

    {side: result} fills in; observation['probe_clients'] says which client each side used ('' = the network).
    """
    containers = observation['containers']
    names = config['names']
    server_ip = lab_observe.bridge_ip(containers.get(names['server']))
    url = 'http://%s:%s/' % (server_ip, config['port']) if server_ip else ''
    clients, results, threads = {}, {}, []
    for side, network in (('bridge', 'bridge'), ('lonely', names['network'])):
        clients[side] = live_client(containers, network, config)
        if not url:
            results[side] = {'ran': False, 'url': '', 'error': 'no server IP'}
            continue
        if not clients[side] and not (observation.get('networks') or {}).get(network):
            results[side] = {'ran': False, 'url': url, 'error': 'no network'}
            continue
        where = 'container:' + clients[side] if clients[side] else network
        thread = threading.Thread(target=lambda s=side, w=where: results.__setitem__(s, probe(config, w, url, runner)))
        thread.daemon = True
        thread.start()
        threads.append(thread)
    observation['probe_clients'] = clients
    return results, threads


def observe(api, config, steps=STEP_IDS, runner=None, proc='/proc', runs=()):
    """One observation of what the steps need (plain data, recordable for tests).

    runs: the recorded runs of this judging session (lab_recorder), kept as they are in the observation; or a
    function returning them, called last: the probes take seconds, time for the recorder to write down the
    `docker run --rm` the student typed just before `lab check`.
    """
    wanted = needs(steps)
    observation = {'scenarios': [], 'engine': lab_observe.read_engine(api), 'runs': []}
    _observe_live(api, config, wanted, runner, proc, observation)
    observation['runs'] = list(runs() if callable(runs) else runs)
    return observation


def _observe_live(api, config, wanted, runner, proc, observation):
    """Fill observation with the live state: containers, networks, processes, sockets, HTTP and the probes."""
    if not observation['engine']['reachable']:
        return observation
    names = config['names']
    try:
        containers = read_containers(api, config)
        observation['containers'] = containers
        observation['networks'] = lab_observe.read_networks(api, ['bridge', names['network']])
    except (DockerAPIError, OSError) as exc:
        observation['engine'] = {'reachable': False, 'error': str(exc)}
        return observation
    observation['processes'] = read_processes(containers, proc) if 'processes' in wanted else {}
    probes, threads = start_probes(observation, config, runner) if 'probes' in wanted else ({}, [])
    server = containers.get(names['server'])
    if 'sockets' in wanted:
        observation['sockets'] = read_sockets(server, proc)
    if 'http' in wanted:
        ip = lab_observe.first_ip(server)
        observation['http'] = (lab_observe.http_get('http://%s:%s/' % (ip, config['port']), config['http_timeout'])
                               if ip else None)
    for thread in threads:
        thread.join()
    observation['probes'] = probes
    return observation


# Judge ----------------------------------------------------------------------------------------


def _pass(key, by_lab=False, **params):
    """A pass; by_lab when what made it pass carries the lab's label (lab solve), said in the evidence too."""
    if by_lab:
        return {'status': 'pass', 'by_lab': True, 'evidence': ('ch.ev.by_lab', {'evidence': (key, params)})}
    return {'status': 'pass', 'by_lab': False, 'evidence': (key, params)}


def _passed(evidence, by_lab=False):
    """A pass from an evidence pair."""
    key, params = evidence
    return _pass(key, by_lab, **params)


def _credited(result, by_lab):
    """A lab_judge result as a step's: a pass made by the lab is said to be so."""
    return _passed(result['evidence'], by_lab) if result['status'] == 'pass' else result


def _fail(key, params=None, **more):
    return {'status': 'fail', 'evidence': (key, dict(params or {}, **more))}


def _running(observation):
    return dict((name, c) for name, c in (observation.get('containers') or {}).items() if c and c['running'])


def judge_runs_as(observation, uid):
    """A container whose processes all run as host UID uid: a live one or a recorded run of the student's,
    else a live one the lab made (solved by the lab)."""
    running = _running(observation)
    seen = [(name, lab_judge.runs_as(observation, name, uid)) for name in sorted(running)]
    passed = [(name, result) for name, result in seen if result['status'] == 'pass']
    for name, result in passed:
        if not is_lab(running[name]):
            return _credited(result, False)
    run = lab_step_runs.ran_as(observation.get('runs'), uid)
    if run:
        return _pass('ch.ev.run_uid', uid=uid, **lab_step_runs.described(run))
    if passed:
        return _credited(passed[0][1], True)
    if not running:
        return _fail('ch.ev.no_container', uid=uid)
    return _fail('ch.ev.no_uid', uid=uid, seen=('list', {'items': [r['evidence'] for _n, r in seen[:4]],
                                                         'separator': '; '}))


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
        failed = _fail(*problem)
        return {'nginx_netns': failed, 'nginx_not_on_host': failed, 'nginx_by_ip': failed}
    nginx = lab_judge.judge_nginx(observation, {'nginx': {'container': names['server'], 'port': int(config['port'])}})
    by_lab = is_lab(observation['containers'][names['server']])
    inside = nginx['nginx_listens_in_netns']
    on_host = nginx['nginx_absent_on_host']
    return {'nginx_netns': _credited(inside, by_lab),
            'nginx_not_on_host': _credited(on_host if inside['status'] == 'pass' else inside, by_lab),
            'nginx_by_ip': _credited(nginx['nginx_http_by_ip'], by_lab)}


def network_problem(observation, config):
    """Why lonely_curl is not the chapter's user-defined bridge network, as evidence, or None."""
    name = config['names']['network']
    network = (observation.get('networks') or {}).get(name)
    if not network:
        return ('ch.ev.network_missing', {'network': name})
    if network.get('driver') != 'bridge':
        return ('ch.ev.network_driver', {'network': name, 'driver': network.get('driver') or UNKNOWN})
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
        return _fail(*problem)
    network = observation['networks'][name]
    return _pass('ch.ev.network_exists', is_lab(network), network=name, driver=network['driver'],
                 subnet=', '.join(network.get('subnets') or []) or UNKNOWN, bridge=network.get('bridge') or UNKNOWN)


def probe_what(observation, side, lonely, config):
    """(whether the lab's probe from this side saw what the chapter expects, its evidence)."""
    result = (observation.get('probes') or {}).get(side) or {}
    client = (observation.get('probe_clients') or {}).get(side) or ''
    network = config['names']['network'] if lonely else 'bridge'
    where = ('ch.ev.probe_in', {'client': client}) if client else ('ch.ev.probe_on', {'network': network})
    if not result.get('ran'):
        return False, ('ch.ev.probe_not_run', {'where': where, 'error': result.get('error') or UNKNOWN})
    ok = result.get('rc') == lab_judge.CURL_TIMEOUT if lonely else (
        result.get('rc') == 0 and result.get('http_code') == '200')
    return ok, ('ch.ev.probe', {'where': where, 'url': result.get('url') or '',
                                'what': lab_judge.curl_what(result, lonely, config['timeout'])})


def judge_curl(observation, config, lonely):
    """network_bridge_200 / network_lonely_timeout: the live state holds (the lab's probe) and someone did it.

    Done by the student: a recorded run of theirs on that network only, to web_server's IP, with curl's exit code
    (0 and nginx's page; 28), else a live container on that network only, the probe having run in it: the
    student's, or the lab's (lab solve).
    """
    names = config['names']
    problem = server_problem(observation, config) or (network_problem(observation, config) if lonely else None)
    if problem:
        return _fail(*problem)
    side = 'lonely' if lonely else 'bridge'
    network = names['network'] if lonely else 'bridge'
    ok, seen = probe_what(observation, side, lonely, config)
    if not ok:
        return _fail(*seen)
    server_ip = lab_observe.bridge_ip(observation['containers'][names['server']])
    find = lab_step_runs.lonely_curl if lonely else lab_step_runs.bridge_curl
    run = find(observation.get('runs'), network, server_ip, _created(observation, network, config))
    if run:
        return _pass('ch.ev.run_curl', network=network, rc=run.get('exit_code'), ip=server_ip,
                     **lab_step_runs.described(run))
    client = (observation.get('probe_clients') or {}).get(side) or ''
    if client:
        return _passed(seen, is_lab(observation['containers'][client]))
    return _fail('ch.ev.no_curl_run', network=network, ip=server_ip, seen=seen)


def side_of(observation, config, network):
    """(evidence, subnet, by_lab) of the address a container on network only showed, or (evidence, '', False).

    A recorded run of the student's first (`ip a`), else a live container there (the student's before the lab's).
    """
    subnets = ((observation.get('networks') or {}).get(network) or {}).get('subnets') or []
    run, ip, subnet = lab_step_runs.interfaces_run(observation.get('runs'), network, subnets,
                                                   _created(observation, network, config))
    if run:
        return ('ch.ev.side_run', dict(lab_step_runs.described(run), ip=ip, network=network, subnet=subnet)), subnet, False
    containers = _running(observation)
    client = live_client(containers, network, config)
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
        return _fail(*problem)
    bridge = side_of(observation, config, 'bridge')
    lonely = side_of(observation, config, config['names']['network'])
    ok = bool(bridge[1] and lonely[1] and bridge[1] != lonely[1])
    evidence = ('list', {'items': [bridge[0], lonely[0]], 'separator': '; '})
    if not ok:
        return {'status': 'fail', 'evidence': evidence}
    return _passed(evidence, bridge[2] or lonely[2])


def judge(observation, config, steps=STEP_IDS):
    """{step: {'status', 'evidence', 'by_lab'}} for the steps, in order."""
    engine = observation.get('engine') or {}
    if not engine.get('reachable'):
        down = _fail('ev.engine_down', error=engine.get('error') or UNKNOWN)
        return dict((step, down) for step in steps)
    server = judge_server(observation, config) if any(PART[step] == 'nginx' for step in steps) else {}
    judges = {
        'users_root': lambda: judge_runs_as(observation, 0),
        'users_uid': lambda: judge_runs_as(observation, int(config['uid'])),
        'nginx_netns': lambda: server['nginx_netns'],
        'nginx_not_on_host': lambda: server['nginx_not_on_host'],
        'nginx_by_ip': lambda: server['nginx_by_ip'],
        'network_created': lambda: judge_network_created(observation, config),
        'network_bridge_200': lambda: judge_curl(observation, config, False),
        'network_lonely_timeout': lambda: judge_curl(observation, config, True),
        'networks_differ': lambda: judge_differ(observation, config),
    }
    return dict((step, judges[step]()) for step in steps)


def next_step(results):
    """The first step (in the chapter's order) that does not pass, or None."""
    return next((step for step in STEP_IDS if step in results and results[step]['status'] != 'pass'), None)


# Words: what to do, hints -------------------------------------------------------------------


def text_params(config, observation=None):
    """Placeholders of the challenge texts: the names, the UID and the image references on this VM."""
    names = config['names']
    images = config['images']
    ip = lab_observe.bridge_ip(((observation or {}).get('containers') or {}).get(names['server']))
    return dict(names, uid=config['uid'], port=config['port'], port_hex='%04X' % int(config['port']),
                timeout=config['timeout'],
                shell_image=images.get('shell', '?'), nginx_image=images.get('nginx', '?'),
                curl_image=images.get('curl', '?'), url='http://%s/' % (ip or '$IP'))


def hint_keys(step):
    """Catalog keys of a step's hints, in order; the last one is a list of commands."""
    return ['ch.%s.hint1' % step, 'ch.%s.hint2' % step, 'ch.%s.commands' % step]


# Solve ----------------------------------------------------------------------------------------


def labels_argv(scenario):
    return ['--label', '%s=%s' % (LAB_LABEL, LAB_VALUE), '--label', '%s=%s' % (SCENARIO_LABEL, scenario)]


def is_lab(container):
    return bool(container) and (container.get('labels') or {}).get(LAB_LABEL) == LAB_VALUE


def make_container(observation, name, run_argv):
    """argv lists that leave a running container `name` made by the lab, or StepError when the name is someone else's."""
    container = (observation.get('containers') or {}).get(name)
    if container is None:
        return [run_argv]
    if container['running']:
        return []
    if is_lab(container):
        return [['docker', 'start', name]]
    raise StepError('ch.err.name_taken', name=name)


def action_argv(action, observation, config, results):
    """The docker commands of one solve action; [] when there is nothing to do."""
    names, images = config['names'], config['images']
    if action == 'root' and results['users_root']['status'] != 'pass':
        return make_container(observation, names['root_container'],
                              ['docker', 'run', '-d', '--name', names['root_container']] + labels_argv('users')
                              + [images['shell'], 'sleep', 'infinity'])
    if action == 'uid' and results['users_uid']['status'] != 'pass':
        return make_container(observation, names['uid_container'],
                              ['docker', 'run', '-d', '--name', names['uid_container'], '--user', str(config['uid'])]
                              + labels_argv('users') + [images['shell'], 'sleep', 'infinity'])
    if action == 'server':
        return make_container(observation, names['server'],
                              ['docker', 'run', '-d', '--name', names['server']] + labels_argv('nginx') + [images['nginx']])
    if action == 'network' and not (observation.get('networks') or {}).get(names['network']):
        return [['docker', 'network', 'create'] + labels_argv('network') + [names['network']]]
    if action in ('bridge_client', 'lonely_client'):
        network = 'bridge' if action == 'bridge_client' else names['network']
        run = ['docker', 'run', '-d', '--name', names[action]]
        run += ['--network', network] if network != 'bridge' else []
        return make_container(observation, names[action],
                              run + labels_argv('network') + ['--entrypoint', 'sleep', images['curl'], 'infinity'])
    return []


def solve_plan(step, observation, config, results):
    """[(action, docker argv)] that make step pass, in order (StepError when the lab must not do it)."""
    plan = []
    for action in SOLVE[step]:
        plan += [(action, argv) for argv in action_argv(action, observation, config, results)]
    return plan


# Reset ----------------------------------------------------------------------------------------


def lab_made(api):
    """(container names, network names) carrying the lab's label, in any state."""
    status, containers = api.get('/containers/json?all=1&filters=%s' % _label_filter())
    if status != 200:
        raise DockerAPIError('Docker engine answered %s listing containers' % status)
    status, networks = api.get('/networks?filters=%s' % _label_filter())
    if status != 200:
        raise DockerAPIError('Docker engine answered %s listing networks' % status)
    return (sorted(((c.get('Names') or ['/' + c['Id']])[0]).lstrip('/') for c in containers or []),
            sorted(n['Name'] for n in networks or []))


def _label_filter():
    return quote(json.dumps({'label': ['%s=%s' % (LAB_LABEL, LAB_VALUE)]}), safe='')


def chapter_named(api, config, exclude=()):
    """The chapter's named objects that exist and are not the lab's: (containers, networks)."""
    names = config['names']
    containers = []
    data = api.inspect_container(names['server'])
    if data and names['server'] not in exclude:
        containers.append(names['server'])
    networks = [n for n, d in api.list_networks([names['network']]).items() if d and n not in exclude]
    return containers, networks


def reset_plan(containers, networks):
    """docker commands removing containers, then networks."""
    plan = [['docker', 'rm', '--force', name] for name in containers]
    return plan + [['docker', 'network', 'rm', name] for name in networks]


# Progress history -----------------------------------------------------------------------------


def empty_progress():
    return {'version': 1, 'started_at': None, 'updated_at': None, 'reset_at': None, 'steps': {}}


def is_time(value):
    """A UTC time as now_text writes it."""
    if not isinstance(value, str) or len(value) != len('2026-01-01T00:00:00Z'):
        return False
    try:
        datetime.datetime.strptime(value, TIME_FORMAT)
    except ValueError:
        return False
    return True


def _count(value):
    """A hint count as written by record_hint: an int from 0 to MAX_HINT_COUNT, else 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_HINT_COUNT else 0


def clean_progress(data):
    """The history keeping only what validates: known step ids, times in now_text's format, hint counts.

    The file is writable by every docker-group member: whatever else it holds is dropped, never trusted.
    """
    progress = empty_progress()
    if not isinstance(data, dict):
        return progress
    for key in ('started_at', 'updated_at', 'reset_at'):
        progress[key] = data.get(key) if is_time(data.get(key)) else None
    steps = data.get('steps') if isinstance(data.get('steps'), dict) else {}
    for step in STEP_IDS:
        entry = steps.get(step)
        if isinstance(entry, dict):
            progress['steps'][step] = {
                'first_passed_at': entry.get('first_passed_at') if is_time(entry.get('first_passed_at')) else None,
                'hints': _count(entry.get('hints')),
            }
    return progress


def load_progress(path):
    """The history on this VM, validated; an empty one when there is none or it cannot be read.

    Read through procfs.safe_read: a link, a FIFO or a file larger than MAX_PROGRESS_BYTES is refused.
    """
    try:
        data = json.loads(procfs.safe_read(path, limit=MAX_PROGRESS_BYTES).decode('utf-8'))
    except (OSError, ValueError, RecursionError):
        return empty_progress()
    return clean_progress(data)


def step_history(progress, step):
    entry = progress['steps'].setdefault(step, {})
    entry.setdefault('first_passed_at', None)
    entry.setdefault('hints', 0)
    return entry


def record_results(progress, results, now):
    """Mark steps that pass for the first time; the newly passed ids."""
    progress['started_at'] = progress.get('started_at') or now
    progress['updated_at'] = now
    newly = []
    for step in STEP_IDS:
        if step not in results:
            continue
        entry = step_history(progress, step)
        if results[step]['status'] == 'pass' and not entry['first_passed_at']:
            entry['first_passed_at'] = now
            newly.append(step)
    return newly


def record_reset(progress, now):
    """A new judging session starts now: runs recorded before it no longer count."""
    progress['reset_at'] = now
    progress['updated_at'] = now


def session_since(progress, session_start=None):
    """When this judging session started: the latest of the controller's start and the student's last reset."""
    times = [t for t in (session_start, progress.get('reset_at')) if is_time(t)]
    return max(times) if times else None


def session_runs(config, progress, session_start=None):
    """The recorded runs of this judging session (lab_recorder's runs.json), oldest first; [] when unreadable."""
    return lab_recorder.runs_since(lab_recorder.load_runs(config['runs']), session_since(progress, session_start))


def record_hint(progress, step, now):
    """Count one more hint for step; the number of the hint to show (1..HINTS)."""
    progress['started_at'] = progress.get('started_at') or now
    progress['updated_at'] = now
    entry = step_history(progress, step)
    entry['hints'] = min(_count(entry.get('hints')) + 1, MAX_HINT_COUNT)
    return min(entry['hints'], HINTS)


def last_progress_at(progress):
    """When a step last passed for the first time, else when the student started."""
    times = [e.get('first_passed_at') for e in progress['steps'].values() if e.get('first_passed_at')]
    return max(times) if times else progress.get('started_at')


@contextlib.contextmanager
def locked(path):
    """An exclusive lock next to the history (students of one VM may run `lab` at once)."""
    try:
        # Never through a link another member of the group planted in the shared directory.
        handle = os.open(path + '.lock', os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, 0o660)
    except OSError:
        handle = None  # not writable, or not a plain file: reading still works, saving will say so
    if handle is not None:
        with contextlib.suppress(OSError):
            os.fchmod(handle, 0o660)  # only its owner may; the group already can write it
    try:
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        if handle is not None:
            os.close(handle)


def save_progress(path, progress):
    """Write the history atomically (a temporary file renamed over it), group-writable."""
    directory = os.path.dirname(path) or '.'
    fd, tmp = tempfile.mkstemp(prefix='.progress.', dir=directory)
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as handle:
            json.dump(progress, handle, indent=2, sort_keys=True)
            handle.write('\n')
        os.chmod(tmp, 0o660)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def history_view(progress, results):
    """Per step: live status and evidence pair plus the history (what verify reports)."""
    steps = {}
    for step in STEP_IDS:
        entry = progress['steps'].get(step) or {}
        result = results.get(step) or {'status': 'fail', 'evidence': ('word.unknown', {})}
        # Solved by the lab: judged now from the labels of what made the step pass, never read from the file.
        steps[step] = {'status': result['status'], 'evidence': result['evidence'],
                       'hints': _count(entry.get('hints')),
                       'solved_by_lab': result['status'] == 'pass' and bool(result.get('by_lab')),
                       'first_passed_at': entry.get('first_passed_at') if is_time(entry.get('first_passed_at')) else None}
    return steps
