# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Scenario 5, overlay: a container's filesystem is an overlay mount, the image's layers read-only below and the
container's own upperdir on top (Julia Evans, "How containers work: overlayfs").

The engine's view (GraphDriver) and the kernel's (the root mount in /proc/PID/mountinfo) must agree; a file
written in the container is in the upperdir, a file of the image changed there is copied up (the lower layer
keeps the original), a deleted one is a whiteout (a 0/0 character device), and two containers of one image share
its layers. In challenge mode the student also mounts an overlay of their own on the host. Only overlay2 is read:
with another storage driver or the containerd image store every outcome says so. Standard library only.
"""

from __future__ import annotations

import errno
import json
import os

from ansible_collections.microlab.docker_internals.plugins.module_utils import host_command, lab_judge, overlay_fs
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge import verdicts
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge.make import StepError, make_container
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DockerAPIError
from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import is_lab, labels_argv
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios.objects import sleeper
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios.options import Option

NAME = 'overlay'
ROLE = 'lab_overlay'

OPTIONS = {
    'container': Option('str', 'lab_overlay', 'The container that writes, changes and deletes a file.',
                        challenge='names.overlay_container'),
    'twin_container': Option('str', 'lab_overlay_twin', 'A second container of the same image, which only sleeps.',
                             challenge='names.overlay_twin'),
}
# Where `lab solve` mounts its own overlay on the VM (lower, upper, work and merged under it); `lab reset`
# unmounts exactly that mount and removes exactly that directory. Root's and on a tmpfs: an upperdir cannot be on
# an overlay (a Docker-in-Docker VM's /var/lib is one), and no student can plant a link there.
SOLVE_DIR = '/run/microlab-overlay'

# The rules of the role's variables that its argument spec cannot express (input_rules says each kind).
RULES = (
    ('container_name', 'lab_overlay_container', 'lab_overlay_twin_container'),
    ('distinct', 'lab_overlay_container', 'lab_overlay_twin_container'),
)

OUTCOMES = ('overlay_layers', 'overlay_written', 'overlay_copied_up', 'overlay_whiteout', 'overlay_shared_lower')
OPTIONAL_OUTCOMES = ()
PROBE_TIMEOUT = None

STEPS = ('overlay_changes', 'overlay_own_mount')
# Each step's points in the class's grades (lab_report_scoring may change them).
POINTS = {'overlay_changes': 10, 'overlay_own_mount': 10}
NEEDS = ()
SOLVE = {'overlay_changes': ('overlay_writer',), 'overlay_own_mount': ('overlay_mount',)}

# The chapter's three changes, made by the container as it starts (paths in the container, then in a layer).
WRITTEN = 'lab-written.txt'
CHANGED = 'etc/issue'
DELETED = 'etc/issue.net'
MARK = 'written-in-the-container'
WRITER_SCRIPT = ('echo %s > /%s && echo %s >> /%s && rm -f /%s && exec sleep infinity'
                 % (MARK, WRITTEN, MARK, CHANGED, DELETED))
MAX_CONTAINERS = 20       # running containers the challenge looks at
MAX_CHANGES = 5000        # lines of `docker diff` kept per container
MAX_MOUNTS = 100          # overlay mounts of the host kept
UNKNOWN = ('word.unknown_value', {})
# What a layer holds at a path (overlay_fs.entry's kind), and `docker diff`'s kinds, in the student's words.
KINDS = {'file': 'ev.overlay_kind_file', 'dir': 'ev.overlay_kind_dir', 'link': 'ev.overlay_kind_link',
         'chardev': 'ev.overlay_kind_chardev', 'other': 'ev.overlay_kind_other', 'missing': 'ev.overlay_kind_missing'}
CHANGES = {'A': 'ch.ev.overlay_kind_a', 'C': 'ch.ev.overlay_kind_c', 'D': 'ch.ev.overlay_kind_d'}


# Make -----------------------------------------------------------------------------------------


def containers(inputs, images):
    """The writer (its three changes, then sleep) and its twin of the same image."""
    writer = sleeper(inputs['container'], images['shell'], NAME)
    writer.update(entrypoint=['sh', '-c'], command=[WRITER_SCRIPT])
    return [writer, sleeper(inputs['twin_container'], images['shell'], NAME)]


def networks(inputs):
    return []


def directories(inputs):
    return []


# Observe --------------------------------------------------------------------------------------


def container_names(options):
    return [options['container'], options['twin_container']]


def network_names(options):
    return []


def start(api, options, found):
    """The engine's storage driver and the two containers' GraphDriver now; the layers' files when finishing."""
    try:
        where = overlay_fs.storage(api.info())
        graphs = dict((name, overlay_fs.graph_driver(api.inspect_container(name) or {}, where['data_root']))
                      for name in container_names(options) if found.get(name))
    except (DockerAPIError, OSError) as exc:
        where, graphs = {'error': str(exc)}, {}

    def finish(observation):
        observation['overlay'] = read_layers(options, found, where, graphs)
    return finish


def read(options, found, observation):
    """Everything is read when start()'s part finishes."""


def kernel_view(container, data_root, proc='/proc'):
    """The container's root mount, its lowerdirs resolved to the engine's names; {'error'} when not running."""
    if not container or not container['running'] or not container['pid']:
        return {'error': 'not running'}
    view = overlay_fs.root_mount(container['pid'], proc)
    return view if 'error' in view else overlay_fs.resolved(view, data_root)


def read_layers(options, found, where, graphs, proc='/proc'):
    """{'storage', 'containers': {name: {'graph', 'mount'}}, 'files'}: the files read from the engine's layer
    directories, never following a link (overlay_fs.entry)."""
    out = {'storage': where, 'containers': {}, 'files': {}}
    if where.get('driver') != 'overlay2' or not where.get('data_root'):
        return out
    for name, graph in graphs.items():
        out['containers'][name] = {'graph': graph, 'mount': kernel_view(found.get(name), where['data_root'], proc)}
    graph = graphs.get(options['container']) or {}
    if graph.get('upper'):
        upper, lower = graph['upper'], graph['lower']
        out['files'] = {'written': overlay_fs.entry(upper, WRITTEN),
                        'changed': overlay_fs.entry(upper, CHANGED), 'changed_lower': overlay_fs.in_lower(lower, CHANGED),
                        'deleted': overlay_fs.entry(upper, DELETED), 'deleted_lower': overlay_fs.in_lower(lower, DELETED)}
    return out


# Judge ----------------------------------------------------------------------------------------


def outcome_ids(options):
    return OUTCOMES


def storage_problem(overlay):
    """Why this engine's layers cannot be read as overlay2's, as evidence, or None."""
    where = overlay.get('storage') or {}
    if 'error' in where:
        return ('ev.read_error', {'name': 'docker info', 'error': where['error']})
    if where.get('driver') != 'overlay2' or not where.get('data_root'):
        return ('ev.overlay_driver', {'driver': where.get('driver') or UNKNOWN, 'kind': where.get('driver_type') or '-'})
    return None


def layers_problem(observation, overlay, name):
    """Why a container's layers are not readable, as evidence, or None."""
    problem = lab_judge.container_problem(observation, name)
    if problem:
        return problem
    seen = overlay['containers'].get(name) or {}
    graph, mount = seen.get('graph') or {}, seen.get('mount') or {}
    if graph.get('driver') != 'overlay2':
        return ('ev.overlay_driver', {'driver': graph.get('driver') or UNKNOWN, 'kind': '-'})
    if 'error' in graph or mount.get('error') == 'outside':
        return ('ev.overlay_outside', {'name': name, 'root': overlay['storage']['data_root']})
    if 'error' in mount:
        return ('ev.read_error', {'name': name, 'error': mount['error']})
    return None


def same_layers(seen):
    """The kernel's root mount is the engine's overlay: same fstype, upperdir, workdir and lowerdirs."""
    graph, mount = seen['graph'], seen['mount']
    return (mount['fstype'] == 'overlay' and mount['upper'] == graph['upper'] and mount['work'] == graph['work']
            and mount['lower'] == graph['lower'])


def judge_layers(overlay, name):
    seen = overlay['containers'][name]
    graph, mount = seen['graph'], seen['mount']
    if same_layers(seen):
        return lab_judge.result(True, 'ev.overlay_layers', name=name, layers=len(graph['lower']), upper=graph['upper'],
                                merged=graph['merged'])
    return lab_judge.fail('ev.overlay_mount_differs', name=name, fstype=mount['fstype'], upper=mount['upper'] or '-',
                          engine=graph['upper'])


def kind_word(found):
    return (KINDS.get(found.get('kind')) or KINDS['other'], {})


def file_problem(found):
    """Why a layer's entry is not a regular file, as evidence, or None."""
    if found.get('kind') == 'missing':
        return ('ev.overlay_missing', {'path': found['path']})
    if found.get('kind') != 'file' or 'text' not in found:
        return ('ev.overlay_not_file', {'path': found['path'], 'kind': kind_word(found)})
    return None


def judge_written(files):
    found = files['written']
    problem = file_problem(found)
    if problem:
        return lab_judge.failed(problem)
    return lab_judge.result(MARK in found['text'], 'ev.overlay_written', path=found['path'], mark=MARK)


def judge_copied_up(files):
    upper, lower = files['changed'], files['changed_lower']
    problem = file_problem(upper) or file_problem(lower)
    if problem:
        return lab_judge.failed(problem)
    if MARK not in upper['text']:
        return lab_judge.fail('ev.overlay_unchanged', path=upper['path'], mark=MARK)
    return lab_judge.result(MARK not in lower['text'], 'ev.overlay_copied_up', path=upper['path'], lower=lower['path'],
                            mark=MARK)


def judge_whiteout(files):
    upper, lower = files['deleted'], files['deleted_lower']
    if upper.get('kind') == 'missing':
        return lab_judge.fail('ev.overlay_missing', path=upper['path'])
    if not overlay_fs.is_whiteout(upper):
        return lab_judge.fail('ev.overlay_not_whiteout', path=upper['path'], kind=kind_word(upper))
    problem = file_problem(lower)
    if problem:
        return lab_judge.failed(problem)
    return lab_judge.result(True, 'ev.overlay_whiteout', path=upper['path'], lower=lower['path'])


def judge_shared(overlay, name, twin):
    """The twin's image layers (its lowerdirs but its own -init layer, in the kernel's mount) are the writer's."""
    mine, other = overlay['containers'][name]['mount'], overlay['containers'][twin]['mount']
    shared = mine['lower'][1:] == other['lower'][1:] and len(mine['lower']) > 1 and mine['upper'] != other['upper']
    return lab_judge.result(shared, 'ev.overlay_shared' if shared else 'ev.overlay_not_shared', name=name, twin=twin,
                            layers=len(mine['lower']) - 1)


def judge(observation, options):
    overlay = observation.get('overlay') or {}
    name, twin = options['container'], options['twin_container']
    problem = storage_problem(overlay)
    if problem:
        return dict((oid, lab_judge.failed(problem)) for oid in OUTCOMES)
    mine = layers_problem(observation, overlay, name)
    if mine:
        results = dict((oid, lab_judge.failed(mine)) for oid in OUTCOMES)
    else:
        files = overlay['files']
        results = {'overlay_layers': judge_layers(overlay, name), 'overlay_written': judge_written(files),
                   'overlay_copied_up': judge_copied_up(files), 'overlay_whiteout': judge_whiteout(files)}
        twins = layers_problem(observation, overlay, twin)
        results['overlay_shared_lower'] = lab_judge.failed(twins) if twins else judge_shared(overlay, name, twin)
    return results


# Explain --------------------------------------------------------------------------------------


def explain_params(options, observation, images):
    where = (observation.get('overlay') or {}).get('storage') or {}
    return {'driver': where.get('driver') or '?', 'name': options['container'], 'twin': options['twin_container'], 'shell_image': images.get('shell', '?'),
            'written': WRITTEN, 'changed': CHANGED, 'deleted': DELETED, 'mark': MARK, 'solve_dir': SOLVE_DIR}


def explain_more(say, lang, options, observation):
    """With another storage driver, say what differs on this engine."""
    where = (observation.get('overlay') or {}).get('storage') or {}
    if not where or where.get('driver') == 'overlay2' or 'error' in where:
        return []
    return [say('overlay.other_driver')]


# Challenge ------------------------------------------------------------------------------------


def challenge_networks(config):
    return []


def _json(runner, argv):
    try:
        rc, out, _err = runner(argv)
        return json.loads(out) if rc == 0 else None
    except (OSError, ValueError):
        return None


def parse_changes(text):
    """`docker diff` lines as [{'kind': A, C or D, 'path'}], at most MAX_CHANGES."""
    changes = []
    for line in text.splitlines()[:MAX_CHANGES]:
        kind, _sep, path = line.partition(' ')
        if kind in ('A', 'C', 'D') and path.startswith('/'):
            changes.append({'kind': kind, 'path': path[:overlay_fs.MAX_PATH]})
    return changes


def challenge_start(observation, config, runner):
    """Through the docker CLI (the student's own view): the storage driver, and each running container's
    GraphDriver and changes (`docker diff`, which the engine computes from the upperdir)."""
    info = _json(runner, ['docker', 'info', '--format', '{{json .}}'])
    where = overlay_fs.storage(info) if isinstance(info, dict) else {'error': 'docker info'}
    seen = {}
    for name, container in sorted(verdicts.running(observation).items())[:MAX_CONTAINERS]:
        data = _json(runner, ['docker', 'inspect', '--format', '{{json .}}', container['id']])
        graph = overlay_fs.graph_driver(data if isinstance(data, dict) else {}, where.get('data_root') or '')
        try:
            rc, out, _err = runner(['docker', 'diff', container['id']])
        except OSError:
            rc, out = 1, ''
        seen[name] = {'graph': graph, 'changes': parse_changes(out) if rc == 0 else []}
    observation['overlay'] = {'storage': where, 'containers': seen}
    return None


def challenge_read(observation, config, proc):
    """Each container's root mount and the host's overlay mounts, from mountinfo (readable without root)."""
    overlay = observation.setdefault('overlay', {'storage': {}, 'containers': {}})
    for name, seen in overlay['containers'].items():
        container = observation['containers'].get(name)
        view = overlay_fs.root_mount(container['pid'], proc) if container and container['pid'] else {'error': '-'}
        seen['mount'] = view
    host = overlay_fs.read_mountinfo('%s/self/mountinfo' % proc)
    overlay['host_mounts'] = [overlay_fs.overlay_view(m) for m in host.get('mounts') or []
                              if m['fstype'] == 'overlay' and m['mount_point'] != '/'][:MAX_MOUNTS]
    # The mount namespace these mounts were read in is this process's: `lab solve` and `lab reset` mount there.
    overlay['mount_pid'] = os.getpid()


def leaves(changes, kind):
    """Paths of changes of kind with no other change below them (a directory that only holds a change is not one)."""
    paths = [c['path'] for c in changes]
    return [c['path'] for c in changes if c['kind'] == kind
            and not any(p.startswith(c['path'].rstrip('/') + '/') for p in paths)]


def changes_verdict(name, seen, data_root):
    """(missing kinds, evidence params) of one container: its upperdir in mountinfo is the engine's and its
    changes hold a written file (A), a copied-up file (C) and a whiteout (D)."""
    graph, mount = seen.get('graph') or {}, seen.get('mount') or {}
    if graph.get('driver') != 'overlay2' or 'error' in graph:
        return ['layers'], {}
    if mount.get('fstype') != 'overlay' or mount.get('upper') != graph['upper'] or not overlay_fs.plain_under(
            mount.get('upper'), data_root):
        return ['layers'], {}
    found = dict((kind, leaves(seen['changes'], kind)) for kind in ('A', 'C', 'D'))
    missing = [kind for kind in ('A', 'C', 'D') if not found[kind]]
    return missing, {'name': name, 'upper': graph['upper'], 'added': found['A'][0] if found['A'] else '-',
                     'changed': found['C'][0] if found['C'] else '-', 'deleted': found['D'][0] if found['D'] else '-'}


def judge_changes(observation):
    """A running container whose upperdir holds the three changes: the student's first, else the lab's."""
    overlay = observation.get('overlay') or {}
    running = verdicts.running(observation)
    if not running:
        return verdicts.fail('ch.ev.overlay_no_container')
    problem = storage_problem(overlay)
    if problem:
        return verdicts.fail(*problem)
    judged = sorted(((not is_lab(running[name]), name) + changes_verdict(name, seen, overlay['storage']['data_root'])
                     for name, seen in overlay.get('containers', {}).items() if name in running),
                    key=lambda item: (len(item[2]), item[0] is False, item[1]))
    if not judged:
        return verdicts.fail('ch.ev.overlay_no_layers', name=sorted(running)[0])
    mine, name, missing, params = judged[0]
    if missing == ['layers']:
        return verdicts.fail('ch.ev.overlay_no_layers', name=name)
    if missing:
        return verdicts.fail('ch.ev.overlay_changes_missing', params,
                             missing=('list', {'items': [(CHANGES[kind], {}) for kind in missing],
                                               'separator': ', '}))
    return verdicts.ok('ch.ev.overlay_changes', by_lab=not mine, **params)


def judge_own_mount(observation):
    """An overlay the student mounted on the host (outside the engine's data root) with an upperdir and a workdir."""
    overlay = observation.get('overlay') or {}
    data_root = (overlay.get('storage') or {}).get('data_root') or '/var/lib/docker'
    own = [m for m in overlay.get('host_mounts') or [] if not overlay_fs.plain_under(m['mount_point'], data_root)]
    writable = [m for m in own if m['lower'] and m['upper'] and m['work']]
    if writable:
        mount = sorted(writable, key=lambda m: m['mount_point'] == SOLVE_DIR + '/merged')[0]
        return verdicts.ok('ch.ev.overlay_own_mount', by_lab=mount['mount_point'] == SOLVE_DIR + '/merged',
                           point=mount['mount_point'], lower=':'.join(mount['lower']), upper=mount['upper'])
    if own:
        return verdicts.fail('ch.ev.overlay_read_only', point=own[0]['mount_point'])
    return verdicts.fail('ch.ev.overlay_no_mount')


def judge_steps(observation, config, steps):
    judges = {'overlay_changes': lambda: judge_changes(observation),
              'overlay_own_mount': lambda: judge_own_mount(observation)}
    return dict((step, judges[step]()) for step in steps)


def solve_writer(observation, config, results):
    """The writer container, unless a container already passes overlay_changes."""
    if results['overlay_changes']['status'] == 'pass':
        return []
    name = config['names']['overlay_container']
    return make_container(observation, name, ['docker', 'run', '-d', '--name', name] + labels_argv(NAME)
                          + ['--entrypoint', 'sh', config['images']['shell'], '-c', WRITER_SCRIPT])


SOLVE_DIRS = dict((part, '%s/%s' % (SOLVE_DIR, part)) for part in ('lower', 'upper', 'work', 'merged'))
SOLVE_OPTIONS = 'lowerdir=%(lower)s,upperdir=%(upper)s,workdir=%(work)s' % SOLVE_DIRS


def _shell_image(config):
    return (config.get('image_ids') or {}).get('shell') or config['images']['shell']


def in_mount_namespace(config, pid, argv):
    """docker run of a labelled container running argv in the mount namespace of process pid (the `lab` command
    itself): the docker group may do as root what `sudo` does for a student who has it."""
    if not isinstance(pid, int) or isinstance(pid, bool) or pid < 1:
        raise StepError('ch.err.overlay_no_namespace')
    return (['docker', 'run', '--rm'] + labels_argv(NAME)
            + ['--pid', 'host', '--cap-add', 'SYS_ADMIN', '--cap-add', 'SYS_PTRACE', '--security-opt',
               'apparmor=unconfined', '--entrypoint', 'nsenter', _shell_image(config), '--target', str(pid),
               '--mount', '--'] + argv)


def solve_mount(observation, config, results):
    """An overlay of SOLVE_DIR's lower, upper and work on its merged, unless an overlay of the student's is
    mounted: the bind mounts make the four directories (and a file in lower), then it is mounted in the `lab`
    command's own mount namespace, where the step is judged."""
    if results['overlay_own_mount']['status'] == 'pass':
        return []
    pid = (observation.get('overlay') or {}).get('mount_pid')
    binds = [arg for part in ('lower', 'upper', 'work', 'merged') for arg in ('-v', '%s:/mnt/%s' % (SOLVE_DIRS[part], part))]
    return [['docker', 'run', '--rm'] + labels_argv(NAME) + binds
            + ['--entrypoint', 'sh', _shell_image(config), '-c', 'echo from-the-lower-layer > /mnt/lower/lab-lower.txt'],
            in_mount_namespace(config, pid, ['mount', '-t', 'overlay', 'overlay', '-o', SOLVE_OPTIONS,
                                             SOLVE_DIRS['merged']])]


def is_solve_mount(mount):
    """The overlay `lab solve` mounts, by its place and its three directories: nothing else is the lab's."""
    return (mount['fstype'] == 'overlay' and mount['mount_point'] == SOLVE_DIRS['merged']
            and mount['lower'] == [SOLVE_DIRS['lower']] and mount['upper'] == SOLVE_DIRS['upper']
            and mount['work'] == SOLVE_DIRS['work'])


def solve_leftovers(mounts):
    """What `lab solve overlay_own_mount` left, from the VM's mounts (overlay_fs.parse_mountinfo): {'unmount': [the
    lab's merged, when its overlay is mounted], 'busy': whether another mount sits under SOLVE_DIR (then the
    directory stays), 'directory': SOLVE_DIR}. `lab reset` (challenge_reset) and reset.yml both go by it."""
    mounts = [overlay_fs.overlay_view(m) for m in mounts]
    mine = [m['mount_point'] for m in mounts if is_solve_mount(m)][:1]
    busy = any(m['mount_point'].startswith(SOLVE_DIR + '/') and m['mount_point'] not in mine for m in mounts)
    return {'unmount': mine, 'busy': busy, 'directory': SOLVE_DIR}


def challenge_reset(config, proc='/proc'):
    """(names, argv lists) for `lab reset`: undo_solve's commands, each run by the docker group in the `lab`
    command's mount namespace (the student has no sudo)."""
    undo = undo_solve(overlay_fs.read_mountinfo('%s/self/mountinfo' % proc).get('mounts') or [])
    return ([SOLVE_DIR] if undo else []), [in_mount_namespace(config, os.getpid(), argv) for argv in undo]


def undo_solve(mounts):
    """The commands (root's, in the VM's mount namespace) undoing what `lab solve overlay_own_mount` left, from the
    VM's mounts: its overlay unmounted, then SOLVE_DIR removed without crossing into another filesystem, unless a
    mount of the student's is under it."""
    left = solve_leftovers(mounts)
    plan = [['umount', point] for point in left['unmount']]
    if os.path.lexists(SOLVE_DIR) and not left['busy']:
        plan.append(['rm', '-rf', '--one-file-system', SOLVE_DIR])
    return plan


class SolveLeftovers:
    """What the scenario leaves outside the engine, for lab_make's ``outside`` hooks: the demo makes nothing there;
    `lab solve overlay_own_mount` leaves its overlay and SOLVE_DIR, which reset.yml removes (as root, in the VM's
    mount namespace) as `lab reset` does: the overlay only when it is exactly the lab's, the directory without
    crossing into another filesystem and not at all while a mount of the student's sits under it."""

    @staticmethod
    def spec(inputs, images):
        return None

    @staticmethod
    def make(api_factory, spec, lang, check_mode=False):
        return []

    @staticmethod
    def remove(check_mode=False, mountinfo='/proc/self/mountinfo'):
        found = overlay_fs.read_mountinfo(mountinfo)
        if 'error' in found:
            raise host_command.HostError(errno.EIO, '%s: %s' % (mountinfo, found['error']))
        plan = undo_solve(found['mounts'])
        if not check_mode:
            for argv in plan:
                host_command.run(argv)
        return [argv[-1] for argv in plan]


OUTSIDE = SolveLeftovers

ACTIONS = {'overlay_writer': solve_writer, 'overlay_mount': solve_mount}
