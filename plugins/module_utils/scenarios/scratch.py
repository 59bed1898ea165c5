# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Scenario 6, scratch: a container without Docker, after Liz Rice's "Containers From Scratch".

An image's filesystem exported to a directory, one process unshared into new PID, mount, UTS and network
namespaces and chrooted there (PID 1 with a hostname of its own), a bridge and veth pairs that let it reach one
namespace and not another, and a memory cgroup whose limit is set by hand, beside the same limit that `docker run
--memory` sets. What it makes outside the engine is scratch_host's (lab_make's ``outside``); what it observes is
scratch_view's, from the host's /proc, /sys/fs/cgroup and `ip` only. In challenge mode the student exports the
filesystem, starts the unshared process, links it to the host with a veth pair and limits its memory by hand:
scratch_challenge's steps, judged from the host's /proc, /sys and `ip` (the demo's peer and lone namespaces are demo
mode only). Standard library only.
"""

from __future__ import annotations

from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_judge, scratch_challenge, scratch_host, scratch_view
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios.objects import sleeper
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios.options import Option

NAME = 'scratch'
ROLE = 'lab_scratch'

OPTIONS = {
    'container': Option('str', 'lab_scratch_limited', 'The container started with the same memory limit '
                        '(docker run --memory).'),
}

RULES = (('container_name', 'lab_scratch_container'),)

OUTCOMES = ('scratch_rootfs', 'scratch_pid_one', 'scratch_hostname', 'scratch_network', 'scratch_memory')
OPTIONAL_OUTCOMES = ()
PROBE_TIMEOUT = None

STEPS = scratch_challenge.STEPS
# Each step's points in the class's grades (lab_report_scoring may change them).
POINTS = scratch_challenge.POINTS
NEEDS = ()
SOLVE = scratch_challenge.SOLVE

# What it makes outside the engine: lab_make calls OUTSIDE.make with OUTSIDE.spec's plan, reset OUTSIDE.remove.
OUTSIDE = scratch_host
MEMORY_MB = scratch_host.MEMORY // (1024 * 1024)


# Make -----------------------------------------------------------------------------------------


def containers(inputs, images):
    """The container with `docker run --memory`'s limit, the one the lab's cgroup has by hand."""
    return [sleeper(inputs['container'], images['shell'], NAME, memory=scratch_host.MEMORY)]


def networks(inputs):
    return []


def directories(inputs):
    return []


# Observe --------------------------------------------------------------------------------------


def container_names(options):
    return [options['container']]


def network_names(options):
    return []


def start(api, options, found):
    """The echo requests from the process's namespace start now (the lone one waits its timeout); the rest is
    read meanwhile, and the replies are added when finishing."""
    state = scratch_host.read_state()
    process = scratch_view.process_view(state)
    probes = scratch_view.start_probes(process)
    container = found.get(options['container']) or {}
    seen = {'process': process, 'host': scratch_view.host_view(), 'rootfs': scratch_view.rootfs_view(),
            'network': scratch_view.network_view(process),
            'cgroup': scratch_view.cgroup_view(state, process, container.get('pid') if container.get('running') else 0)}

    def finish(observation):
        seen['reach'] = probes()
        observation['scratch'] = seen
    return finish


def read(options, found, observation):
    """Everything is read by start() and its finish."""


# Judge ----------------------------------------------------------------------------------------


def outcome_ids(options):
    return OUTCOMES


def process_problem(scratch):
    """Why there is no process to judge, as evidence, or None."""
    process = scratch.get('process') or {}
    if 'pid' not in process:
        return ('ev.scratch_no_process', {'state': scratch_host.STATE_FILE})
    return None


def own(scratch, kind):
    """(the process's namespace of kind is not the host's, its inode, the host's)."""
    mine = (scratch['process'].get('ns') or {}).get(kind)
    host = ((scratch.get('host') or {}).get('ns') or {}).get(kind)
    return bool(mine and host and mine != host), mine or '?', host or '?'


def judge_rootfs(scratch):
    rootfs, process = scratch.get('rootfs') or {}, scratch['process']
    if not rootfs.get('image') or not rootfs.get('os_release'):
        return lab_judge.fail('ev.scratch_no_rootfs', path=rootfs.get('path') or scratch_host.ROOTFS)
    if not process.get('same_root'):
        return lab_judge.fail('ev.scratch_other_root', pid=process['pid'], path=rootfs['path'],
                              root=process.get('root_link') or '?')
    return lab_judge.result(True, 'ev.scratch_rootfs', pid=process['pid'], path=rootfs['path'],
                            image=rootfs['image'][:19])


def judge_pid_one(scratch):
    process = scratch['process']
    ok, mine, host = own(scratch, 'pid')
    if not ok:
        return lab_judge.fail('ev.scratch_host_pid_ns', pid=process['pid'], inode=mine)
    nspid = process.get('nspid') or []
    if len(nspid) < 2 or nspid[-1] != 1:
        return lab_judge.fail('ev.scratch_not_one', pid=process['pid'], nspid=' '.join(str(n) for n in nspid) or '-')
    mounts, mnt, _host = own(scratch, 'mnt')
    return lab_judge.result(mounts, 'ev.scratch_pid_one' if mounts else 'ev.scratch_host_mnt_ns', pid=process['pid'],
                            inode=mine, host=host, mnt=mnt)


def judge_hostname(scratch):
    process = scratch['process']
    ok, mine, host = own(scratch, 'uts')
    if not ok:
        return lab_judge.fail('ev.scratch_host_uts_ns', pid=process['pid'], inode=mine)
    name, host_name = process.get('hostname'), (scratch.get('host') or {}).get('hostname') or '?'
    if name is None:
        return lab_judge.fail('ev.read_error', name='uts', error=process.get('hostname_error') or '?')
    return lab_judge.result(name == scratch_host.HOSTNAME and name != host_name, 'ev.scratch_hostname',
                            pid=process['pid'], hostname=name, host=host_name, inode=mine)


PLACES = {'self': 'ev.scratch_place_self', 'peer': 'ev.scratch_place_peer', 'alone': 'ev.scratch_place_alone',
          'bridge': 'ev.scratch_place_bridge'}
FAULTS = {'missing': 'ev.scratch_link_missing', 'down': 'ev.scratch_link_down', 'address': 'ev.scratch_link_address',
          'not_on_bridge': 'ev.scratch_link_not_on_bridge', 'on_bridge': 'ev.scratch_link_on_bridge'}


def address_of(place):
    return dict((p[0], p[3]) for p in scratch_host.PLACES)[place]


def judge_network(scratch):
    process = scratch['process']
    ok, mine, host = own(scratch, 'net')
    if not ok:
        return lab_judge.fail('ev.scratch_host_net_ns', pid=process['pid'], inode=mine)
    network = scratch.get('network') or {}
    faults = scratch_host.network_faults(network.get('host') or [], network.get('inside') or {})
    if faults:
        fault, place, name = faults[0]
        address = '%s/%d' % (address_of(place), scratch_host.PREFIX) if place != 'bridge' else '-'
        return lab_judge.fail(FAULTS[fault], name=name, place=(PLACES[place], {}), bridge=scratch_host.BRIDGE,
                              address=address)
    reach = scratch.get('reach') or {}
    peer, alone = reach.get('peer'), reach.get('alone')
    for answered in (peer, alone):
        if not isinstance(answered, bool):
            return lab_judge.fail('ev.read_error', name='icmp', error=str(answered))
    if not peer:
        return lab_judge.fail('ev.scratch_peer_unreached', address=address_of('peer'), bridge=scratch_host.BRIDGE)
    if alone:
        return lab_judge.fail('ev.scratch_alone_reached', address=address_of('alone'))
    return lab_judge.result(True, 'ev.scratch_network', pid=process['pid'], inode=mine, host=host,
                            bridge=scratch_host.BRIDGE, peer=address_of('peer'), alone=address_of('alone'))


def judge_memory(scratch, options):
    process, cgroup = scratch['process'], scratch.get('cgroup') or {}
    wanted = str(scratch_host.MEMORY)
    files = scratch_host.limit_file(cgroup.get('version') or 2)
    if not cgroup.get('path') or cgroup.get('limit') != wanted:
        return lab_judge.fail('ev.scratch_limit', path=cgroup.get('path') or '-', file=files,
                              limit=cgroup.get('limit') or '-', wanted=wanted)
    if cgroup.get('process_cgroup') != cgroup['path']:
        return lab_judge.fail('ev.scratch_not_in_cgroup', pid=process['pid'], path=cgroup['path'],
                              cgroup=cgroup.get('process_cgroup') or '-')
    if cgroup.get('container_limit') != wanted:
        return lab_judge.fail('ev.scratch_container_limit', name=options['container'], file=files,
                              path=cgroup.get('container_cgroup') or '-', limit=cgroup.get('container_limit') or '-',
                              wanted=wanted)
    return lab_judge.result(True, 'ev.scratch_memory', pid=process['pid'], path=cgroup['path'], file=files,
                            limit=wanted, name=options['container'], container=cgroup['container_cgroup'])


def judge(observation, options):
    scratch = observation.get('scratch') or {}
    problem = process_problem(scratch)
    if problem:
        return dict((oid, lab_judge.failed(problem)) for oid in OUTCOMES)
    results = {'scratch_rootfs': judge_rootfs(scratch), 'scratch_pid_one': judge_pid_one(scratch),
               'scratch_hostname': judge_hostname(scratch), 'scratch_network': judge_network(scratch)}
    container = lab_judge.container_problem(observation, options['container'])
    results['scratch_memory'] = lab_judge.failed(container) if container else judge_memory(scratch, options)
    return results


# Explain --------------------------------------------------------------------------------------


def explain_params(options, observation, images):
    scratch = observation.get('scratch') or {}
    cgroup = scratch.get('cgroup') or {}
    places = dict((place, (end, name, address)) for place, end, name, address in scratch_host.PLACES)
    return {'rootfs': scratch_host.ROOTFS, 'shell_image': images.get('shell', '?'),
            'pid': (scratch.get('process') or {}).get('pid') or 'PID', 'hostname': scratch_host.HOSTNAME,
            'bridge': scratch_host.BRIDGE, 'peer_ns': places['peer'][1], 'alone_ns': places['alone'][1],
            'peer': places['peer'][2], 'alone': places['alone'][2], 'memory_mb': MEMORY_MB,
            'memory': scratch_host.MEMORY, 'cgroup': cgroup.get('path') or scratch_host.CGROUP_NAME,
            'limit_file': scratch_host.limit_file(cgroup.get('version') or 2), 'name': options['container'],
            'cgroup_root': cgroup.get('mount') or '/sys/fs/cgroup'}


def explain_more(say, lang, options, observation):
    """On cgroup v1 the limit is memory.limit_in_bytes under the memory hierarchy: say so."""
    cgroup = (observation.get('scratch') or {}).get('cgroup') or {}
    return [say('scratch.cgroup_v1')] if cgroup.get('version') == 1 else []


# Challenge: scratch_challenge's ------------------------------------------------------------------


def challenge_networks(config):
    return []


challenge_start = scratch_challenge.challenge_start
challenge_read = scratch_challenge.challenge_read
judge_steps = scratch_challenge.judge_steps
challenge_reset = scratch_challenge.challenge_reset
ACTIONS = scratch_challenge.ACTIONS
