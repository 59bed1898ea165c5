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
import json
import os
import tempfile
import threading
from urllib.parse import quote

from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_judge, lab_observe, procfs
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
EXEC_NOT_FOUND = (126, 127)

DEFAULT_CONFIG = {
    'language': 'es',
    'uid': 1234,
    'port': 80,
    'timeout': 2,
    'http_timeout': 5,
    'names': {'server': 'web_server', 'network': 'lonely_curl', 'root_container': 'lab_user_root',
              'uid_container': 'lab_user_1234', 'bridge_client': 'curl_bridge', 'lonely_client': 'curl_lonely'},
    'images': {'shell': 'debian', 'nginx': 'nginx', 'curl': 'curlimages/curl'},
    'progress': '/var/lib/microlab/progress.json',
    'runs': '/var/lib/microlab-recorder/runs.json',
    'docker_host': 'unix:///var/run/docker.sock',
}

# What each step needs observed, and what `lab solve` makes for it.
NEEDS = {
    'users': ('processes',),
    'nginx': ('sockets', 'http'),
    'network': ('probes',),
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
    return (now or datetime.datetime.now(datetime.timezone.utc)).strftime('%Y-%m-%dT%H:%M:%SZ')


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
    return {'netns_inode': inode or '?', 'method': 'procfs',
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


def candidates(containers, network, config):
    """Running containers attached to network, the ones most likely to answer first.

    The lab's own client, then containers attached only to that network, then
    the ones started from the curl image; never the server.
    """
    names = config['names']
    own = names['bridge_client'] if network == 'bridge' else names['lonely_client']
    found = [c for name, c in containers.items()
             if c['running'] and network in c['networks'] and name != names['server']]
    return sorted(found, key=lambda c: (c['name'] != own, list(c['networks']) != [network],
                                        c['image'] != config['images'].get('curl'), c['name']))


def probe(api, client, url, config, runner):
    """curl in client (docker exec); when it has no curl, in a short-lived container in its network namespace."""
    timeout = config['timeout']
    result = lab_observe.probe(api, client, url, timeout)
    if result.get('ran') and result.get('rc') not in EXEC_NOT_FOUND:
        result['how'] = 'exec'
        return result
    argv = ['docker', 'run', '--rm', '--network', 'container:' + client, '--label', '%s=%s' % (LAB_LABEL, LAB_VALUE),
            '--label', PROBE_LABEL + '=true', '--entrypoint', 'curl', config['images']['curl']]
    argv += lab_observe.curl_argv(url, timeout)[1:]
    try:
        rc, out, err = runner(argv)
    except OSError as exc:
        return {'ran': False, 'url': url, 'error': str(exc)}
    if rc in (125, 126, 127):  # docker run itself failed
        return {'ran': False, 'url': url, 'error': err.strip() or 'docker run: %s' % rc}
    fields = out.split()
    return {'ran': True, 'url': url, 'rc': rc, 'http_code': fields[0] if fields else '',
            'time': fields[1] if len(fields) > 1 else '', 'stderr': err.strip(), 'how': 'probe container'}


def start_probes(api, observation, config, runner):
    """Threads probing web_server from a container on each network; {client: result} fills in."""
    containers = observation['containers']
    names = config['names']
    server_ip = lab_observe.bridge_ip(containers.get(names['server']))
    url = 'http://%s:%s/' % (server_ip, config['port']) if server_ip else ''
    clients = {}
    for side, network in (('bridge', 'bridge'), ('lonely', names['network'])):
        found = candidates(containers, network, config)
        clients[side] = found[0]['name'] if found else ''
    observation['probe_clients'] = clients
    results, threads = {}, []
    for client in set(c for c in clients.values() if c):
        if not url:
            results[client] = {'ran': False, 'url': '', 'error': 'no server IP'}
            continue
        thread = threading.Thread(target=lambda c=client: results.__setitem__(c, probe(api, c, url, config, runner)))
        thread.daemon = True
        thread.start()
        threads.append(thread)
    return results, threads


def observe(api, config, steps=STEP_IDS, runner=None, proc='/proc'):
    """One observation of what the steps need (plain data, recordable for tests)."""
    wanted = needs(steps)
    observation = {'scenarios': [], 'engine': lab_observe.read_engine(api)}
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
    probes, threads = start_probes(api, observation, config, runner) if 'probes' in wanted else ({}, [])
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


def _pass(key, **params):
    return {'status': 'pass', 'evidence': (key, params)}


def _fail(key, params=None, **more):
    return {'status': 'fail', 'evidence': (key, dict(params or {}, **more))}


def judge_runs_as(observation, uid):
    """Some running container whose processes all run as host UID uid (lab_judge.runs_as on each)."""
    containers = observation.get('containers') or {}
    running = sorted(name for name, c in containers.items() if c['running'])
    if not running:
        return _fail('ch.ev.no_container', uid=uid)
    seen = [(name, lab_judge.runs_as(observation, name, uid)) for name in running]
    for name, result in seen:
        if result['status'] == 'pass':
            return result
    return _fail('ch.ev.no_uid', uid=uid, seen=('list', {'items': [r['evidence'] for _n, r in seen[:4]],
                                                         'separator': '; '}))


def judge_network_created(observation, config):
    name = config['names']['network']
    network = (observation.get('networks') or {}).get(name)
    if not network:
        return _fail('ch.ev.network_missing', network=name)
    return _pass('ch.ev.network_exists', network=name, driver=network.get('driver') or '?',
                 subnet=', '.join(network.get('subnets') or []) or '?', bridge=network.get('bridge') or '?')


def network_spec(observation, config):
    """lab_judge's network spec with the clients this observation found."""
    names = config['names']
    clients = observation.get('probe_clients') or {}
    return {'network': {'name': names['network'], 'server': names['server'], 'timeout': config['timeout'],
                        'bridge_client': clients.get('bridge') or '', 'lonely_client': clients.get('lonely') or ''}}


def judge_probe(observation, config, lonely):
    names = config['names']
    spec = network_spec(observation, config)
    client = spec['network']['lonely_client' if lonely else 'bridge_client']
    problem = lab_judge.container_problem(observation, names['server'])
    if problem:
        return _fail(*problem)
    if not client:
        return _fail('ch.ev.no_client', network=names['network'] if lonely else 'bridge')
    return lab_judge.judge_probe(observation, spec, client, lonely)


def judge_differ(observation, config):
    names = config['names']
    spec = network_spec(observation, config)
    missing = [net for net, client in (('bridge', spec['network']['bridge_client']),
                                       (names['network'], spec['network']['lonely_client'])) if not client]
    if missing:
        return _fail('ch.ev.no_client', network=' + '.join(missing))
    return lab_judge.judge_interfaces(observation, spec)


def judge(observation, config, steps=STEP_IDS):
    """{step: {'status', 'evidence'}} for the steps, in order."""
    engine = observation.get('engine') or {}
    if not engine.get('reachable'):
        down = _fail('ev.engine_down', error=engine.get('error') or '?')
        return dict((step, down) for step in steps)
    names = config['names']
    nginx = {}
    if any(PART[step] == 'nginx' for step in steps):
        nginx = lab_judge.judge_nginx(observation, {'nginx': {'container': names['server'], 'port': int(config['port'])}})
    judges = {
        'users_root': lambda: judge_runs_as(observation, 0),
        'users_uid': lambda: judge_runs_as(observation, int(config['uid'])),
        'nginx_netns': lambda: nginx['nginx_listens_in_netns'],
        'nginx_not_on_host': lambda: nginx['nginx_absent_on_host'],
        'nginx_by_ip': lambda: nginx['nginx_http_by_ip'],
        'network_created': lambda: judge_network_created(observation, config),
        'network_bridge_200': lambda: judge_probe(observation, config, False),
        'network_lonely_timeout': lambda: judge_probe(observation, config, True),
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


def solved_steps(step, actions):
    """The steps a solve made pass: step itself and those whose own solve needs what was done."""
    return set([step]) | set(s for s in STEP_IDS if set(SOLVE[s]) & set(actions))


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
    return {'version': 1, 'started_at': None, 'updated_at': None, 'steps': {}}


def load_progress(path):
    """The history on this VM; an empty one when there is none or it cannot be read."""
    try:
        with open(path, encoding='utf-8') as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return empty_progress()
    if not isinstance(data, dict) or not isinstance(data.get('steps'), dict):
        return empty_progress()
    progress = empty_progress()
    progress.update(data)
    return progress


def step_history(progress, step):
    entry = progress['steps'].setdefault(step, {})
    entry.setdefault('first_passed_at', None)
    entry.setdefault('hints', 0)
    entry.setdefault('solved_by_lab', False)
    return entry


def record_results(progress, results, now, solved=()):
    """Mark steps that pass for the first time (solved ones as solved by the lab); the newly passed ids."""
    progress['started_at'] = progress.get('started_at') or now
    progress['updated_at'] = now
    newly = []
    for step in STEP_IDS:
        if step not in results:
            continue
        entry = step_history(progress, step)
        if results[step]['status'] == 'pass' and not entry['first_passed_at']:
            entry['first_passed_at'] = now
            entry['solved_by_lab'] = step in solved
            newly.append(step)
    return newly


def record_hint(progress, step, now):
    """Count one more hint for step; the number of the hint to show (1..HINTS)."""
    progress['started_at'] = progress.get('started_at') or now
    progress['updated_at'] = now
    entry = step_history(progress, step)
    entry['hints'] = int(entry.get('hints') or 0) + 1
    return min(entry['hints'], HINTS)


def last_progress_at(progress):
    """When a step last passed for the first time, else when the student started."""
    times = [e.get('first_passed_at') for e in progress['steps'].values() if e.get('first_passed_at')]
    return max(times) if times else progress.get('started_at')


@contextlib.contextmanager
def locked(path):
    """An exclusive lock next to the history (students of one VM may run `lab` at once)."""
    try:
        handle = open(path + '.lock', 'a')
    except OSError:
        handle = None  # not writable: reading still works, saving will say so
    with contextlib.suppress(OSError):
        os.chmod(path + '.lock', 0o660)  # only its owner may; the group already can write it
    try:
        if handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        if handle:
            handle.close()


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
        steps[step] = {'status': result['status'], 'evidence': result['evidence'],
                       'hints': int(entry.get('hints') or 0), 'solved_by_lab': bool(entry.get('solved_by_lab')),
                       'first_passed_at': entry.get('first_passed_at')}
    return steps
