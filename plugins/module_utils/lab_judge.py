# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Judge an observation (lab_observe.py): outcome id -> status and evidence.

Pure functions, no I/O: ``judge(observation, spec)`` returns
``{outcome_id: {'status': 'pass'|'fail', 'evidence': (key, params)}}``, the
evidence a catalog key with its parameters, so that it is said in the
student's language by catalog.render. Unit tests feed recorded observations
of every failure shape. Standard library only (the `lab` command uses it).
"""

from __future__ import annotations

from ansible_collections.microlab.docker_internals.plugins.module_utils import firewall

OUTCOMES = {
    'users': ('users_root_is_uid0', 'users_uid_matches', 'users_file_owner', 'users_pid_namespace'),
    'users_userns': ('users_userns_remapped',),
    'nginx': ('nginx_listens_in_netns', 'nginx_absent_on_host', 'nginx_http_by_ip', 'nginx_own_netns'),
    'network': ('network_bridge_http_200', 'network_lonely_times_out', 'network_interfaces_differ',
                'network_veth_pairs', 'network_drop_rule'),
}
CURL_TIMEOUT = 28
CURL_REFUSED = 7


def outcome_ids(spec, scenarios):
    """The outcome ids the scenarios record, in order."""
    ids = []
    for scenario in scenarios:
        ids += OUTCOMES[scenario]
        if scenario == 'users' and spec['users'].get('userns_remap'):
            ids += OUTCOMES['users_userns']
    return ids


def _result(ok, key, **params):
    return {'status': 'pass' if ok else 'fail', 'evidence': (key, params)}


def _fail(key, params=None, **more):
    """A failure; params as a dict too, so that a (key, params) evidence pair can be passed as _fail(*pair)."""
    return _result(False, key, **dict(params or {}, **more))


def _failed(evidence):
    """A failed outcome from an evidence pair (key, params), as container_problem returns it."""
    key, params = evidence
    return _fail(key, **params)


def container_problem(observation, name):
    """Evidence that a container cannot be judged (missing, stopped, no process), or None."""
    container = (observation.get('containers') or {}).get(name)
    if container is None:
        return ('ev.missing', {'name': name})
    if not container['running']:
        return ('ev.not_running', {'name': name, 'state': container.get('state') or '?'})
    return None


def _processes(observation, name):
    return ((observation.get('processes') or {}).get(name) or {}).get('processes') or []


def _no_process(observation, name):
    """Why a running container shows no process: they could not be read, or there is none left."""
    error = ((observation.get('processes') or {}).get(name) or {}).get('error')
    return ('ev.read_error', {'name': name, 'error': error}) if error else ('ev.no_process', {'name': name})


# Scenario 1 -----------------------------------------------------------------------------------


def user_name(user):
    """Evidence of a host user name, or of a UID with no name in /etc/passwd."""
    return ('ev.users_user_name', {'user': user}) if user else ('ev.users_user_none', {})


def live_processes(observation, name):
    """(processes, None) of a running container, or (None, failed result) saying why there are none."""
    problem = container_problem(observation, name)
    if problem:
        return None, _failed(problem)
    processes = _processes(observation, name)
    if not processes:
        return None, _failed(_no_process(observation, name))
    return processes, None


def runs_as(observation, name, uid):
    """Every process of the container runs as host UID uid."""
    processes, failure = live_processes(observation, name)
    if failure:
        return failure
    first = processes[0]
    uids = sorted(set(p['host_uid'] for p in processes))
    user = user_name(first.get('host_user'))
    return _result(uids == [uid], 'ev.users_runs_as', name=name, pid=first['pid'], args=first['args'],
                   uids=','.join(str(u) for u in uids), user=user)


def userns_remapped(observation, name):
    """Container root is an unprivileged subordinate UID on the host."""
    problem = container_problem(observation, name)
    if problem:
        return _failed(problem)
    facts = (observation.get('processes') or {}).get(name) or {}
    processes = facts.get('processes') or []
    if not processes:
        return _failed(_no_process(observation, name))
    first = processes[0]
    ok = bool(facts.get('userns_remapped')) and first.get('container_uid') == 0 and first['host_uid'] != 0
    return _result(ok, 'ev.users_remapped', name=name, pid=first['pid'], cuid=first.get('container_uid'),
                   huid=first['host_uid'], outside=','.join(str(m['outside']) for m in facts.get('uid_map') or []),
                   owner=facts.get('subordinate_owner') or '?')


def file_owner(observation, uid):
    """The file the --user container wrote through its bind mount is owned by that UID on the host."""
    found = (observation.get('files') or {}).get('uid_file')
    if not found:
        return _fail('ev.file_not_read')
    if not found.get('exists'):
        return _fail('ev.file_missing', path=found['path'], error=found.get('error') or '?')
    if not found.get('regular'):
        return _fail('ev.file_not_regular', path=found['path'])
    user = user_name(found.get('user'))
    return _result(found['uid'] == uid, 'ev.file_owner', path=found['path'], uid=found['uid'], user=user)


def own_namespace(observation, name, kind):
    """The container's namespace of kind (pid or net) is not the host's: (ok, inode, host inode) or a problem."""
    namespaces = observation.get('namespaces') or {}
    mine = (namespaces.get(name) or {}).get(kind)
    host = (namespaces.get('host') or {}).get(kind)
    return bool(mine and host and mine != host), mine or '?', host or '?'


def pid_namespace(observation, name):
    """PID 1 inside the container is an ordinary host process in its own PID namespace."""
    processes, failure = live_processes(observation, name)
    if failure:
        return failure
    first = next((p for p in processes if p.get('ns_pid') == 1), None)
    if first is None:
        return _fail('ev.no_pid_one', name=name, pids=','.join(str(p['pid']) for p in processes))
    ok, mine, host = own_namespace(observation, name, 'pid')
    return _result(ok and first['pid'] != 1, 'ev.pid_namespace', name=name, pid=first['pid'], inode=mine,
                   host=host)


def judge_users(observation, spec):
    users = spec['users']
    results = {
        'users_root_is_uid0': runs_as(observation, users['root_container'], 0),
        'users_uid_matches': runs_as(observation, users['uid_container'], int(users['uid'])),
        'users_file_owner': file_owner(observation, int(users['uid'])),
        'users_pid_namespace': pid_namespace(observation, users['uid_container']),
    }
    if users.get('userns_remap'):
        results['users_userns_remapped'] = userns_remapped(observation, users['remapped_container'])
    return results


# Scenario 2 -----------------------------------------------------------------------------------


def listening_on(entry, port):
    """TCP LISTEN sockets of a netns_socket_facts entry on port."""
    return [s for s in (entry or {}).get('tcp_listen') or [] if s.get('port') == port]


def _sockets_text(sockets):
    """Each socket with its owner; without root the owner is not visible, and is said so."""
    return [('ev.nginx_socket', {'address': s['address'], 'port': s['port'], 'process': s['name'], 'pid': s['pid']})
            if s.get('pid') else ('ev.nginx_socket_unowned', {'address': s['address'], 'port': s['port']})
            for s in sockets]


def judge_nginx(observation, spec):
    nginx = spec['nginx']
    name, port = nginx['container'], int(nginx['port'])
    problem = container_problem(observation, name)
    sockets = observation.get('sockets') or {}
    host = sockets.get('host') or {}
    results = {}
    inside = sockets.get('container') or {}
    if problem:
        results['nginx_listens_in_netns'] = _failed(problem)
    elif 'error' in inside:
        results['nginx_listens_in_netns'] = _fail('ev.read_error', name=name, error=inside['error'])
    else:
        found = listening_on(inside, port)
        results['nginx_listens_in_netns'] = (
            _result(True, 'ev.nginx_listens', name=name, inode=inside.get('netns_inode'),
                    sockets=_joined(_sockets_text(found))) if found
            else _fail('ev.nginx_nothing', name=name, inode=inside.get('netns_inode'), port=port))
    on_host = listening_on(host, port)
    if 'error' in host:
        results['nginx_absent_on_host'] = _fail('ev.read_error', name='host', error=host['error'])
    elif on_host:
        results['nginx_absent_on_host'] = _fail('ev.host_taken', inode=host.get('netns_inode'), port=port,
                                                sockets=_joined(_sockets_text(on_host)))
    elif problem:
        results['nginx_absent_on_host'] = _fail('ev.host_clear_not_running', inode=host.get('netns_inode'),
                                                port=port, name=name)
    else:
        results['nginx_absent_on_host'] = _result(True, 'ev.host_clear', inode=host.get('netns_inode'), port=port)
    if problem:
        results['nginx_own_netns'] = _failed(problem)
    else:
        ok, mine, host = own_namespace(observation, name, 'net')
        results['nginx_own_netns'] = _result(ok, 'ev.net_namespace', name=name, inode=mine, host=host)
    http = observation.get('http')
    if not http:
        results['nginx_http_by_ip'] = _failed(problem or ('ev.no_ip', {'name': name}))
    elif http.get('status') is None:
        results['nginx_http_by_ip'] = _fail('ev.http_error', url=http['url'], error=http.get('error') or '?')
    else:
        results['nginx_http_by_ip'] = _result(http['status'] == 200, 'ev.http_status', url=http['url'],
                                              status=http['status'])
    return results


def _joined(parts):
    """Several evidence pairs said one after the other."""
    return ('list', {'items': parts})


# Scenario 3 -----------------------------------------------------------------------------------


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


def judge_probe(observation, spec, client, lonely):
    network = spec['network']
    result = (observation.get('probes') or {}).get(client) or {}
    if not result.get('ran'):
        server_problem = container_problem(observation, network['server'])
        if server_problem:
            return _failed(server_problem)
        client_problem = container_problem(observation, client)
        if client_problem:
            return _failed(client_problem)
        if not result.get('url'):
            return _fail('ev.curl_no_server_ip', server=network['server'])
        return _fail('ev.curl_other', rc='?', stderr=result.get('error') or '')
    net = network['name'] if lonely else 'bridge'
    about = side(observation, client, net)
    what = curl_what(result, lonely, network['timeout'])
    if lonely:
        ok = result.get('rc') == CURL_TIMEOUT
    else:
        ok = result.get('rc') == 0 and result.get('http_code') == '200'
    return _result(ok, 'ev.curl', client=client, ip=about['ip'] or ('word.no_ip', {}),
                   network=' + '.join(about['networks']) or ('word.no_network', {}), url=result['url'], what=what)


def judge_interfaces(observation, spec):
    network = spec['network']
    bridge = side(observation, network['bridge_client'], 'bridge')
    lonely = side(observation, network['lonely_client'], network['name'])
    ok = (bridge['running'] and lonely['running']
          and bridge['networks'] == ['bridge'] and lonely['networks'] == [network['name']]
          and bridge['ip'] and lonely['ip']
          and bridge['subnet'] and lonely['subnet'] and bridge['subnet'] != lonely['subnet']
          and bridge['bridge'] and lonely['bridge'] and bridge['bridge'] != lonely['bridge'])
    return _result(bool(ok), 'list', items=[_side_text(bridge), _side_text(lonely)], separator='; ')


def _side_text(about):
    return ('ev.side', {'client': about['client'], 'ip': about['ip'] or ('word.no_ip', {}),
                        'networks': ' + '.join(about['networks']) or ('word.no_network', {}),
                        'subnet': about['subnet'] or '?', 'bridge': about['bridge'] or '?'})


def veth_peer(observation, client, bridge):
    """(ok, evidence) for one client: its eth0 is one end of a veth pair whose host end is on bridge."""
    problem = container_problem(observation, client)
    if problem:
        return False, problem
    seen = (observation.get('interfaces') or {}).get(client) or {}
    index = seen.get('eth0_peer_index')
    peer = (observation.get('host_links') or {}).get(str(index)) if index else None
    if not peer:
        return False, ('ev.veth_missing', {'client': client})
    return peer['master'] == bridge and bool(bridge), ('ev.veth', {'client': client, 'veth': peer['name'],
                                                                   'master': peer['master'] or '?'})


def judge_veth_pairs(observation, spec):
    network = spec['network']
    checks = [veth_peer(observation, network['bridge_client'],
                        side(observation, network['bridge_client'], 'bridge')['bridge']),
              veth_peer(observation, network['lonely_client'],
                        side(observation, network['lonely_client'], network['name'])['bridge'])]
    return _result(all(ok for ok, evidence in checks), 'list', items=[evidence for ok, evidence in checks],
                   separator='; ')


def drop_rule(observation, spec):
    """The firewall rule whose packet counter went up while the lonely client timed out (firewall.find_drop)."""
    network = spec['network']
    walls = observation.get('firewall')
    if not walls:
        return _fail('ev.fw_not_read')
    probe = (observation.get('probes') or {}).get(network['lonely_client']) or {}
    if probe.get('rc') != CURL_TIMEOUT:
        return _fail('ev.fw_no_timeout', client=network['lonely_client'])
    server = (observation.get('containers') or {}).get(network['server']) or {}
    found = firewall.find_drop(walls['before'], walls['after'],
                               side(observation, network['lonely_client'], network['name'])['bridge'],
                               side(observation, network['bridge_client'], 'bridge')['bridge'],
                               ((server.get('networks') or {}).get('bridge') or {}).get('ip') or None)
    drop = found['drop']
    if drop:
        return _result(True, 'ev.fw_drop', rule=drop['rule'], table=drop['table'], chain=drop['chain'],
                       backend=drop['backend'], before=drop['packets_before'], after=drop['packets_after'],
                       command=drop['command'])
    if found['candidates']:
        return _fail('ev.fw_no_counter', rule=found['candidates'][0]['rule'])
    return _fail('ev.fw_none', errors='; '.join(found['errors']) or '-')


def judge_network(observation, spec):
    network = spec['network']
    return {
        'network_drop_rule': drop_rule(observation, spec),
        'network_veth_pairs': judge_veth_pairs(observation, spec),
        'network_bridge_http_200': judge_probe(observation, spec, network['bridge_client'], False),
        'network_lonely_times_out': judge_probe(observation, spec, network['lonely_client'], True),
        'network_interfaces_differ': judge_interfaces(observation, spec),
    }


JUDGES = {'users': judge_users, 'nginx': judge_nginx, 'network': judge_network}


def judge(observation, spec):
    """{outcome id: {'status', 'evidence'}} for every scenario observed."""
    scenarios = observation.get('scenarios') or []
    engine = observation.get('engine') or {}
    if not engine.get('reachable'):
        down = _fail('ev.engine_down', error=engine.get('error') or '?')
        return dict((oid, down) for oid in outcome_ids(spec, scenarios))
    results = {}
    for scenario in scenarios:
        judged = JUDGES[scenario](observation, spec)
        results.update((oid, judged[oid]) for oid in outcome_ids(spec, [scenario]))
    return results


def failed(results):
    """Ids of the outcomes that did not pass, sorted."""
    return sorted(oid for oid, result in results.items() if result['status'] != 'pass')
