# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Scenario 4, UIDs and file permissions: in a bind-mounted host directory, the kernel decides by host UIDs.

A directory owned by one UID (mode 0755) is bind-mounted into three containers: the one running as that UID writes
a file there, the one running as another UID is refused (the host's kernel says EACCES for its credentials), and
root in a container writes into a second, world-writable directory as the host UID its root is (0, or the
subordinate UID on an engine with userns-remap). Everything is read on the host: owners with lstat, the refusal
with faccessat(2) as the container's process (write_access.py). Standard library only.
"""

from __future__ import annotations

import posixpath

from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_judge, write_access
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge import verdicts
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge.make import make_container
from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import is_lab, labels_argv
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios.objects import sleeper
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios.options import Option

NAME = 'files'
ROLE = 'lab_files'

OPTIONS = {
    'owner_container': Option('str', 'lab_files_owner', 'The container that runs as O(files.uid) and writes a file.',
                              challenge='names.files_owner'),
    'other_container': Option('str', 'lab_files_other', 'The container that runs as O(files.other_uid) and is refused.',
                              challenge='names.files_other'),
    'root_container': Option('str', 'lab_files_root', 'The container that writes a file as its root.',
                             challenge='names.files_root'),
    'uid': Option('int', 1234, 'The host UID that owns the directory O(files.share_dir)C(/owned).', challenge='uid'),
    'other_uid': Option('int', 4321, 'The host UID of O(files.other_container), which is not the owner.',
                        challenge='other_uid'),
    'share_dir': Option('str', '/srv/lab_files',
                        ['The host directory holding C(owned) (owner O(files.uid), mode 0755) and C(open) (mode 0777).',
                         'Read without following a link.'],
                        challenge='files_dir', role_type='path'),
}

# The rules of the role's variables that its argument spec cannot express (input_rules says each kind).
RULES = (
    ('range', 'lab_files_uid', 1, 65534),
    ('range', 'lab_files_other_uid', 1, 65534),
    ('different', 'lab_files_uid', 'lab_files_other_uid'),
    ('container_name', 'lab_files_owner_container', 'lab_files_other_container', 'lab_files_root_container'),
    ('distinct', 'lab_files_owner_container', 'lab_files_other_container', 'lab_files_root_container'),
    ('absolute_path', 'lab_files_share_dir'),
)

OUTCOMES = ('files_owner_writes', 'files_other_refused', 'files_root_writes')
OPTIONAL_OUTCOMES = ()
PROBE_TIMEOUT = None
MOUNT = '/data'
# The containers with the owned directory bind-mounted that challenge mode asks the host about (a student may start
# any number; each costs a child process).
MAX_CHECKED = 8
# How the host decided a write (write_access.may_write's method), said as.
METHODS = {'kernel': 'ev.files_by_kernel', 'mode': 'ev.files_by_mode'}

STEPS = ('files_owner_writes', 'files_other_refused', 'files_root_writes')
# Each step's points in the class's grades (lab_report_scoring may change them).
POINTS = {'files_owner_writes': 10, 'files_other_refused': 10, 'files_root_writes': 10}
NEEDS = ('processes',)
SOLVE = {'files_owner_writes': ('files_dirs', 'files_owner'), 'files_other_refused': ('files_dirs', 'files_other'),
         'files_root_writes': ('files_dirs', 'files_root')}


def owned_dir(share_dir):
    """The directory the owner UID owns (mode 0755)."""
    return posixpath.join(share_dir, 'owned')


def open_dir(share_dir):
    """The directory anyone may write in (mode 0777), where root in a container writes."""
    return posixpath.join(share_dir, 'open')


def written(who):
    """The name of the file a container tries to write: written-by-<uid>, or written-by-root."""
    return 'written-by-%s' % who


def writer_command(who, anew=False):
    """Try to write the file, then sleep whatever happened: the host judges, not the container's output.

    anew: remove it first. root's file in the open directory would otherwise keep the owner an earlier container
    gave it (touch does not change it), as when userns-remap is switched on or off between two runs.
    """
    path = '%s/%s' % (MOUNT, written(who))
    return ('rm -f %s; touch %s; exec sleep infinity' % (path, path) if anew
            else 'touch %s; exec sleep infinity' % path)


# Make -----------------------------------------------------------------------------------------


def _writer(name, image, directory, who, user, userns_mode=''):
    spec = sleeper(name, image, NAME, user=user, userns_mode=userns_mode)
    spec.update(entrypoint=['sh', '-c'], command=[writer_command(who, anew=who == 'root')],
                volumes=['%s:%s' % (directory, MOUNT)])
    return spec


def containers(inputs, images):
    """The UID containers opt out of userns-remap (their UIDs are then the host's on any engine); root does not,
    so that on an engine with userns-remap its file shows the subordinate UID."""
    owned, uid, other = owned_dir(inputs['share_dir']), inputs['uid'], inputs['other_uid']
    return [_writer(inputs['owner_container'], images['shell'], owned, uid, str(uid), 'host'),
            _writer(inputs['other_container'], images['shell'], owned, other, str(other), 'host'),
            _writer(inputs['root_container'], images['shell'], open_dir(inputs['share_dir']), 'root', '0')]


def networks(inputs):
    return []


def directories(inputs):
    """share_dir (root's), owned/ (uid's, 0755) and open/ (0777, not sticky: a remapped root may replace the file
    real root left there)."""
    share = inputs['share_dir']
    return [{'path': share, 'owner': 0, 'mode': '0755'},
            {'path': owned_dir(share), 'owner': inputs['uid'], 'mode': '0755'},
            {'path': open_dir(share), 'owner': 0, 'mode': '0777'}]


# Nothing made outside the engine.
OUTSIDE = None


# Observe --------------------------------------------------------------------------------------


def container_names(options):
    return [options['owner_container'], options['other_container'], options['root_container']]


def network_names(options):
    return []


def start(api, options, found):
    return None


def _main_pid(container):
    return container['pid'] if container and container.get('running') and container.get('pid') else 0


def read(options, found, observation):
    """The two directories and their entries (lstat), and the host's answer for the other container's process."""
    share = options['share_dir']
    pid = _main_pid(found.get(options['other_container']))
    observation['permissions'] = {
        'owned': write_access.entries(owned_dir(share)), 'open': write_access.entries(open_dir(share)),
        'owned_dir': write_access.describe(owned_dir(share)),
        'checks': {options['other_container']: write_access.may_write(owned_dir(share), pid)} if pid else {},
    }


# Judge ----------------------------------------------------------------------------------------


def outcome_ids(options):
    return OUTCOMES


def _file(listing, name):
    """The entry name of a listing, or None."""
    return next((item for item in listing.get('files') or [] if item['name'] == name), None)


def dir_problem(observation, uid):
    """Why the owned directory is not a directory of UID uid, as evidence, or None."""
    seen = (observation.get('permissions') or {}).get('owned_dir') or {}
    if 'error' in seen or not seen:
        return ('ev.files_dir_missing', {'path': seen.get('path') or '?', 'error': seen.get('error') or '?'})
    if not seen['directory']:
        return ('ev.files_dir_not_dir', {'path': seen['path']})
    if seen['uid'] != uid:
        return ('ev.files_dir_owner', {'path': seen['path'], 'owner': seen['uid'], 'uid': uid, 'mode': seen['mode']})
    return None


def file_owned(observation, where, name, uid):
    """Evidence pair and whether file name in directory where ('owned' or 'open') is a regular file of UID uid."""
    listing = (observation.get('permissions') or {}).get(where) or {}
    if 'error' in listing or not listing:
        return False, ('ev.files_dir_missing', {'path': listing.get('path') or '?', 'error': listing.get('error') or '?'})
    path = posixpath.join(listing['path'], name)
    found = _file(listing, name)
    if not found:
        return False, ('ev.files_no_file', {'path': path})
    if not found['regular']:
        return False, ('ev.file_not_regular', {'path': path})
    return found['uid'] == uid, ('ev.files_file_owner', {'path': path, 'owner': found['uid'], 'uid': uid})


def owner_writes(observation, options):
    """The container of the owner UID wrote its file, which belongs to that UID on the host."""
    uid = int(options['uid'])
    processes, failure = lab_judge.live_processes(observation, options['owner_container'])
    if failure:
        return failure
    host_uids = sorted(set(p['host_uid'] for p in processes))
    if host_uids != [uid]:
        return lab_judge.fail('ev.files_runs_as', name=options['owner_container'], uids=_uids(host_uids), uid=uid)
    problem = dir_problem(observation, uid)
    if problem:
        return lab_judge.failed(problem)
    ok, evidence = file_owned(observation, 'owned', written(uid), uid)
    return _said(ok, evidence)


def _said(ok, evidence):
    key, params = evidence
    return lab_judge.result(ok, key, **params)


def _uids(uids):
    return ','.join(str(uid) for uid in uids) or '?'


def refused(observation, name, uid, check):
    """The host refuses process of container name (host UID uid) writing in the owned directory: (ok, evidence)."""
    if not check or 'error' in check:
        return False, ('ev.files_not_asked', {'name': name, 'error': (check or {}).get('error') or '?'})
    facts = dict(name=name, uid=check['uid'], gid=check['gid'], path=check['path'], owner=check['owner'],
                 mode=check['mode'], method=(METHODS.get(check['method'], 'ev.files_by_mode'), {}))
    if not check['errno']:
        return False, ('ev.files_allowed', facts)
    return True, ('ev.files_refused', dict(facts, errno=check['errno']))


def other_refused(observation, options):
    """The container of another UID runs as it, the host refuses it writing, and its file is not there."""
    name, other, uid = options['other_container'], int(options['other_uid']), int(options['uid'])
    processes, failure = lab_judge.live_processes(observation, name)
    if failure:
        return failure
    host_uids = sorted(set(p['host_uid'] for p in processes))
    if host_uids != [other]:
        return lab_judge.fail('ev.files_runs_as', name=name, uids=_uids(host_uids), uid=other)
    problem = dir_problem(observation, uid)
    if problem:
        return lab_judge.failed(problem)
    listing = (observation.get('permissions') or {}).get('owned') or {}
    there = _file(listing, written(other))
    if there:
        return lab_judge.fail('ev.files_not_refused', path=posixpath.join(listing['path'], written(other)),
                              owner=there['uid'])
    ok, evidence = refused(observation, name, other, ((observation.get('permissions') or {}).get('checks') or {}).get(name))
    return _said(ok, evidence)


def root_writes(observation, options):
    """Root in the container wrote its file, owned on the host by the UID its root is there (0, or subordinate)."""
    name = options['root_container']
    problem = lab_judge.container_problem(observation, name)
    if problem:
        return lab_judge.failed(problem)
    facts = (observation.get('processes') or {}).get(name) or {}
    root = next((p for p in facts.get('processes') or [] if p.get('container_uid') == 0), None)
    if root is None:
        return lab_judge.failed(lab_judge.no_process(observation, name))
    ok, evidence = file_owned(observation, 'open', written('root'), root['host_uid'])
    if not ok:
        return lab_judge.failed(evidence)
    mapping = (('ev.files_root_remapped', {'uid': root['host_uid']}) if facts.get('userns_remapped')
               else ('ev.files_root_is_root', {}))
    return lab_judge.result(True, 'ev.files_root_file', path=evidence[1]['path'], owner=root['host_uid'], name=name,
                            pid=root['pid'], mapping=mapping)


def judge(observation, options):
    return {'files_owner_writes': owner_writes(observation, options),
            'files_other_refused': other_refused(observation, options),
            'files_root_writes': root_writes(observation, options)}


# Explain --------------------------------------------------------------------------------------


def explain_params(options, observation, images):
    return {'owner': options['owner_container'], 'other': options['other_container'],
            'root': options['root_container'], 'uid': options['uid'], 'other_uid': options['other_uid'],
            'owned_dir': owned_dir(options['share_dir']), 'open_dir': open_dir(options['share_dir']),
            'shell_image': images.get('shell', '?')}


def explain_more(say, lang, options, observation):
    return []


# Challenge ------------------------------------------------------------------------------------


def challenge_networks(config):
    return []


def _mounts_dir(container, directory):
    return any(mount.get('source') == directory for mount in container.get('mounts') or [])


def challenge_read(observation, config, proc):
    """The two directories, and the host's answer for every running container with the owned one bind-mounted."""
    owned = owned_dir(config['files_dir'])
    mounting = [(name, container) for name, container in sorted(verdicts.running(observation).items())
                if _mounts_dir(container, owned)]
    observation['permissions'] = {
        'owned': write_access.entries(owned), 'open': write_access.entries(open_dir(config['files_dir'])),
        'owned_dir': write_access.describe(owned),
        'checks': dict((name, write_access.may_write(owned, container['pid'], proc))
                       for name, container in mounting[:MAX_CHECKED]),
    }


def challenge_start(observation, config, runner):
    return None


def _by_lab(observation, name):
    container = (observation.get('containers') or {}).get(name)
    return bool(container and container['running'] and is_lab(container))


def judge_owner(observation, config):
    """A file of UID uid in the owned directory, itself owned by UID uid."""
    uid = int(config['uid'])
    problem = dir_problem(observation, uid)
    if problem:
        return verdicts.fail(*problem)
    listing = observation['permissions']['owned']
    mine = [item for item in listing.get('files') or [] if item['regular'] and item['uid'] == uid]
    if not mine:
        return verdicts.fail('ch.ev.files_no_file_of', path=listing.get('path') or '?', uid=uid)
    by_lab = _by_lab(observation, config['names']['files_owner']) and mine[0]['name'] == written(uid)
    return verdicts.ok('ev.files_file_owner', by_lab, path=posixpath.join(listing['path'], mine[0]['name']),
                       owner=uid, uid=uid)


def judge_other(observation, config):
    """A running container of another UID than the owner's (and than 0), with the owned directory bind-mounted,
    that the host refuses; the student's first, then the lab's."""
    uid = int(config['uid'])
    problem = dir_problem(observation, uid)
    if problem:
        return verdicts.fail(*problem)
    checks = (observation.get('permissions') or {}).get('checks') or {}
    others = [(name, check) for name, check in sorted(checks.items()) if check.get('uid') not in (None, 0, uid)]
    if not others:
        return verdicts.fail('ch.ev.files_no_other', path=observation['permissions']['owned_dir']['path'], uid=uid)
    judged = [(name, refused(observation, name, check.get('uid'), check)) for name, check in others]
    judged.sort(key=lambda item: (not item[1][0], _by_lab(observation, item[0])))
    name, (ok, evidence) = judged[0]
    return verdicts.ok_from(evidence, _by_lab(observation, name)) if ok else verdicts.fail(*evidence)


def judge_root(observation, config):
    """A file in the open directory owned by host UID 0."""
    listing = (observation.get('permissions') or {}).get('open') or {}
    if 'error' in listing or not listing:
        return verdicts.fail('ev.files_dir_missing', path=listing.get('path') or '?', error=listing.get('error') or '?')
    roots = [item for item in listing.get('files') or [] if item['regular'] and item['uid'] == 0]
    if not roots:
        return verdicts.fail('ch.ev.files_no_root_file', path=listing['path'])
    by_lab = _by_lab(observation, config['names']['files_root']) and roots[0]['name'] == written('root')
    return verdicts.ok('ev.files_file_owner', by_lab, path=posixpath.join(listing['path'], roots[0]['name']),
                       owner=0, uid=0)


def judge_steps(observation, config, steps):
    judges = {'files_owner_writes': judge_owner, 'files_other_refused': judge_other, 'files_root_writes': judge_root}
    return dict((step, judges[step](observation, config)) for step in steps)


def solve_dirs(observation, config, results):
    """The two directories, made by root in a throw-away container (the student's docker group may do it)."""
    uid = int(config['uid'])
    listing = (observation.get('permissions') or {}).get('open') or {}
    if dir_problem(observation, uid) is None and 'files' in listing:
        return []
    return [['docker', 'run', '--rm', '--user', '0', '-v', '%s:%s' % (config['files_dir'], MOUNT)]
            + labels_argv(NAME) + ['--entrypoint', 'sh', config['images']['shell'], '-c',
                                   'mkdir -p %s/owned %s/open && chown %d:%d %s/owned && chmod 0755 %s/owned '
                                   '&& chmod 0777 %s/open' % ((MOUNT, MOUNT, uid, uid) + (MOUNT,) * 3)]]


def writer_solver(step, name, directory, setting):
    """The `lab solve` action of a writing container: name in config's names, directory (owned_dir or open_dir)
    of the files directory, and the config setting of its UID (None: root)."""
    def solve(observation, config, results):
        if results[step]['status'] == 'pass':
            return []
        who = int(config[setting]) if setting else 'root'
        container = config['names'][name]
        return make_container(observation, container, ['docker', 'run', '-d', '--name', container, '--user',
                                                       str(who) if setting else '0'] + labels_argv(NAME)
                              + ['-v', '%s:%s' % (directory(config['files_dir']), MOUNT), '--entrypoint', 'sh',
                                 config['images']['shell'], '-c', writer_command(who, anew=not setting)])
    return solve


def challenge_reset(config, proc='/proc'):
    """Nothing outside the engine: the directories `lab solve` makes in the files directory are the ones the
    chapter has the student make by hand, so they stay (a student's work is not the lab's to remove)."""
    return [], []


ACTIONS = {'files_dirs': solve_dirs,
           'files_owner': writer_solver('files_owner_writes', 'files_owner', owned_dir, 'uid'),
           'files_other': writer_solver('files_other_refused', 'files_other', owned_dir, 'other_uid'),
           'files_root': writer_solver('files_root_writes', 'files_root', open_dir, None)}
