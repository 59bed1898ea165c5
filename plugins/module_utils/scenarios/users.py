# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Scenario 1, users and UIDs: a container's processes run as real host UIDs (root is 0, --user 1234 is 1234).

Everything the scenario is, in one place (scenarios/__init__.py says the shape every unit has): its options,
the containers it makes, what it observes beyond what every scenario does (processes and namespaces), its
outcomes and their judges, what its explanation adds, and its challenge steps. Standard library only.
"""

from __future__ import annotations

import os

from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_judge, lab_observe
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios.objects import sleeper
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios.options import Option
from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_step_runs
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge import verdicts
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge.make import make_container
from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import is_lab, labels_argv

NAME = 'users'
ROLE = 'lab_users'

OPTIONS = {
    'root_container': Option('str', 'lab_user_root', 'The container that sleeps as root.',
                             challenge='names.root_container'),
    'uid_container': Option('str', 'lab_user_1234', 'The container that sleeps as O(users.uid).',
                            challenge='names.uid_container', role_default='lab_user_{{ lab_users_uid }}',
                            doc_default='lab_user_<lab_users_uid>'),
    'uid': Option('int', 1234, 'The host UID the second container runs as.', challenge='uid'),
    'userns_remap': Option('bool', False,
                           'Also judge O(users.remapped_container), whose root must be a subordinate host UID.'),
    'remapped_container': Option('str', 'lab_user_remapped', 'The container that sleeps as root under userns-remap.'),
    'share_dir': Option('str', '/var/lib/microlab/users',
                        ['The host directory bind-mounted into O(users.uid_container), where it writes'
                         ' C(written-by-uid-<uid>).',
                         "The file's owner is read with C(lstat), never following a link. Empty to skip the outcome."],
                        role_type='path'),
    'userns_remap_user': Option('str', 'default', 'Value of userns-remap in daemon.json.', observed=False),
}

# The rules of the role's variables that its argument spec cannot express (input_rules says each kind).
RULES = (
    ('range', 'lab_users_uid', 1, 65534),
    ('container_name', 'lab_users_root_container', 'lab_users_uid_container', 'lab_users_remapped_container'),
    ('distinct', 'lab_users_root_container', 'lab_users_uid_container', 'lab_users_remapped_container'),
    ('nonempty', 'lab_users_userns_remap_user'),
    ('absolute_path', 'lab_users_share_dir'),
)

OUTCOMES = ('users_root_is_uid0', 'users_uid_matches', 'users_file_owner', 'users_pid_namespace')
OPTIONAL_OUTCOMES = ('users_userns_remapped',)
# The option giving the seconds a probe through the Docker API may last (lab_observe's API timeout), or None.
PROBE_TIMEOUT = None
SHARE_MOUNT = '/shared'

# The chapter's steps in challenge mode: what each needs observed, and what `lab solve` makes for it.
STEPS = ('users_root', 'users_uid')
# Each step's points in the class's grades (lab_report_scoring may change them).
POINTS = {'users_root': 10, 'users_uid': 10}
NEEDS = ('processes',)
SOLVE = {'users_root': ('root',), 'users_uid': ('uid',)}


# Make -----------------------------------------------------------------------------------------


def containers(inputs, images):
    """The containers the scenario starts, in order; with userns-remap on, the plain two opt out of it to
    still show 0 and the chapter's UID."""
    host = 'host' if inputs['userns_remap'] else ''
    uid = str(inputs['uid'])
    writer = sleeper(inputs['uid_container'], images['shell'], NAME, user=uid, userns_mode=host)
    # The --user container writes a file through a bind mount of share_dir, then sleeps.
    writer.update(entrypoint=['sh', '-c'],
                  command=['touch %s/written-by-uid-%s && exec sleep infinity' % (SHARE_MOUNT, uid)],
                  volumes=['%s:%s' % (inputs['share_dir'], SHARE_MOUNT)])
    specs = [sleeper(inputs['root_container'], images['shell'], NAME, user='0', userns_mode=host), writer]
    if inputs['userns_remap']:
        specs.append(sleeper(inputs['remapped_container'], images['shell'], NAME, user='0'))
    return specs


def networks(inputs):
    return []


def directories(inputs):
    """share_dir, root's like /tmp (1777): a student may write in it, the lab only reads a file's owner there."""
    return [{'path': inputs['share_dir'], 'owner': 0, 'mode': '1777'}]


# Nothing made outside the engine.
OUTSIDE = None


# Observe --------------------------------------------------------------------------------------


def container_names(options):
    names = [options['root_container'], options['uid_container']]
    return names + [options['remapped_container']] if options.get('userns_remap') else names


def network_names(options):
    return []


def share_file(share_dir, uid):
    """The host path of the file the --user container writes through its bind mount."""
    return os.path.join(share_dir, 'written-by-uid-%s' % uid)


def start(api, options, found):
    """Nothing slow to start: the owner of the shared file is read with the rest."""
    return None


def read(options, found, observation):
    if options.get('share_dir'):
        observation['files'] = {'uid_file': lab_observe.read_file_owner(share_file(options['share_dir'],
                                                                                   options['uid']))}


# Judge ----------------------------------------------------------------------------------------


def outcome_ids(options):
    return OUTCOMES + (OPTIONAL_OUTCOMES if options.get('userns_remap') else ())


def runs_as(observation, name, uid):
    """Every process of the container runs as host UID uid."""
    processes, failure = lab_judge.live_processes(observation, name)
    if failure:
        return failure
    first = processes[0]
    uids = sorted(set(p['host_uid'] for p in processes))
    user = lab_judge.user_name(first.get('host_user'))
    return lab_judge.result(uids == [uid], 'ev.users_runs_as', name=name, pid=first['pid'], args=first['args'],
                            uids=','.join(str(u) for u in uids), user=user)


def userns_remapped(observation, name):
    """Container root is an unprivileged subordinate UID on the host."""
    problem = lab_judge.container_problem(observation, name)
    if problem:
        return lab_judge.failed(problem)
    facts = (observation.get('processes') or {}).get(name) or {}
    processes = facts.get('processes') or []
    if not processes:
        return lab_judge.failed(lab_judge.no_process(observation, name))
    first = processes[0]
    ok = bool(facts.get('userns_remapped')) and first.get('container_uid') == 0 and first['host_uid'] != 0
    return lab_judge.result(ok, 'ev.users_remapped', name=name, pid=first['pid'], cuid=first.get('container_uid'),
                            huid=first['host_uid'],
                            outside=','.join(str(m['outside']) for m in facts.get('uid_map') or []),
                            owner=facts.get('subordinate_owner') or '?')


def file_owner(observation, uid):
    """The file the --user container wrote through its bind mount is owned by that UID on the host."""
    found = (observation.get('files') or {}).get('uid_file')
    if not found:
        return lab_judge.fail('ev.file_not_read')
    if not found.get('exists'):
        return lab_judge.fail('ev.file_missing', path=found['path'], error=found.get('error') or '?')
    if not found.get('regular'):
        return lab_judge.fail('ev.file_not_regular', path=found['path'])
    user = lab_judge.user_name(found.get('user'))
    return lab_judge.result(found['uid'] == uid, 'ev.file_owner', path=found['path'], uid=found['uid'], user=user)


def pid_namespace(observation, name):
    """PID 1 inside the container is an ordinary host process in its own PID namespace."""
    processes, failure = lab_judge.live_processes(observation, name)
    if failure:
        return failure
    first = next((p for p in processes if p.get('ns_pid') == 1), None)
    if first is None:
        return lab_judge.fail('ev.no_pid_one', name=name, pids=','.join(str(p['pid']) for p in processes))
    ok, mine, host = lab_judge.own_namespace(observation, name, 'pid')
    return lab_judge.result(ok and first['pid'] != 1, 'ev.pid_namespace', name=name, pid=first['pid'], inode=mine,
                            host=host)


def judge(observation, options):
    results = {
        'users_root_is_uid0': runs_as(observation, options['root_container'], 0),
        'users_uid_matches': runs_as(observation, options['uid_container'], int(options['uid'])),
        'users_file_owner': file_owner(observation, int(options['uid'])),
        'users_pid_namespace': pid_namespace(observation, options['uid_container']),
    }
    if options.get('userns_remap'):
        results['users_userns_remapped'] = userns_remapped(observation, options['remapped_container'])
    return results


# Explain --------------------------------------------------------------------------------------


def explain_params(options, observation, images):
    return {'root': options['root_container'], 'uid_container': options['uid_container'], 'uid': options['uid'],
            'remapped': options['remapped_container'], 'shell_image': images.get('shell', '?'),
            'share_dir': options.get('share_dir') or '?'}


def explain_more(say, lang, options, observation):
    """What the explanation adds after `why`: the userns-remap variant's commands."""
    if not options.get('userns_remap'):
        return []
    return [say('users.userns')] + ['  ' + command for command in say('users.userns_commands')]

# Challenge ------------------------------------------------------------------------------------


def challenge_networks(config):
    return []


def challenge_start(observation, config, runner):
    return None


def challenge_read(observation, config, proc):
    """The processes every step reads are all these steps need."""


def judge_runs_as(observation, uid):
    """A container whose processes all run as host UID uid: a live one or a recorded run of the student's,
    else a live one the lab made (solved by the lab)."""
    running = verdicts.running(observation)
    seen = [(name, runs_as(observation, name, uid)) for name in sorted(running)]
    passed = [(name, result) for name, result in seen if result['status'] == 'pass']
    for name, result in passed:
        if not is_lab(running[name]):
            return verdicts.credited(result, False)
    run = lab_step_runs.ran_as(observation.get('runs'), uid)
    if run:
        return verdicts.ok('ch.ev.run_uid', uid=uid, **lab_step_runs.described(run))
    if passed:
        return verdicts.credited(passed[0][1], True)
    if not running:
        return verdicts.fail('ch.ev.no_container', uid=uid)
    return verdicts.fail('ch.ev.no_uid', uid=uid, seen=('list', {'items': [r['evidence'] for _n, r in seen[:4]],
                                                                 'separator': '; '}))


def judge_steps(observation, config, steps):
    judges = {'users_root': lambda: judge_runs_as(observation, 0),
              'users_uid': lambda: judge_runs_as(observation, int(config['uid']))}
    return dict((step, judges[step]()) for step in steps)


def solve_root(observation, config, results):
    """The root container, unless a container already passes users_root."""
    if results['users_root']['status'] == 'pass':
        return []
    name = config['names']['root_container']
    return make_container(observation, name, ['docker', 'run', '-d', '--name', name] + labels_argv(NAME)
                          + [config['images']['shell'], 'sleep', 'infinity'])


def solve_uid(observation, config, results):
    """The --user container, unless a container already passes users_uid."""
    if results['users_uid']['status'] == 'pass':
        return []
    name = config['names']['uid_container']
    return make_container(observation, name, ['docker', 'run', '-d', '--name', name, '--user', str(config['uid'])]
                          + labels_argv(NAME) + [config['images']['shell'], 'sleep', 'infinity'])


def challenge_reset(config, proc='/proc'):
    """Nothing outside the engine: the lab's containers and networks go by their label."""
    return [], []


ACTIONS = {'root': solve_root, 'uid': solve_uid}
