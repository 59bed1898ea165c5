# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Side-by-side timings of the fact modules against the shell/loop alternatives (root, running engine).

    sudo python3 bench/netns_facts_bench.py [--sizes 1,20,50] [--repeat 3]

Starts lab-nginx containers named factmod-test-bench-N (label microlab.test=factmods), measures, and removes
only those containers. Needs `ansible`/`ansible-playbook` next to the Python running it (or on PATH).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGE = 'microlab.local/lab-nginx:bookworm'
LABEL = 'microlab.test=factmods'
PREFIX = 'factmod-test-bench-'
MODULES = 'ansible_collections.microlab.docker_internals.plugins.modules.'
SECTION = '## Fact modules'


def sh(cmd, **kwargs):
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)
    if proc.returncode:
        raise RuntimeError('%s failed (rc %d): %s %s' % (cmd[:3], proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:]))
    return proc.stdout


def timed(fn, repeat):
    """Best wall time of `repeat` runs, in seconds."""
    best = None
    for _run in range(repeat):
        start = time.perf_counter()
        fn()
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return best


def tool(name):
    here = os.path.join(os.path.dirname(sys.executable), name)
    return here if os.path.exists(here) else shutil.which(name)


class Bench(object):
    def __init__(self, repeat):
        self.repeat = repeat
        self.root = tempfile.mkdtemp(prefix='factmod-bench-')
        os.makedirs(os.path.join(self.root, 'ansible_collections', 'microlab'))
        os.symlink(REPO, os.path.join(self.root, 'ansible_collections', 'microlab', 'docker_internals'))
        self.env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=self.root, PYTHONPATH=self.root,
                        ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false')
        self.started = []

    def ensure(self, count):
        """Names and pids of `count` running bench containers."""
        while len(self.started) < count:
            name = PREFIX + str(len(self.started) + 1)
            sh(['docker', 'run', '-d', '--name', name, '--label', LABEL, IMAGE])
            self.started.append(name)
        names = self.started[:count]
        pids = [int(p) for p in sh(['docker', 'inspect', '-f', '{{.State.Pid}}'] + names).split()]
        return names, pids

    def cleanup(self):
        for _attempt in range(30):  # the engine may be restarting: keep trying to remove our containers
            if not self.started or subprocess.run(['docker', 'rm', '-f'] + self.started, capture_output=True,
                                                  check=False).returncode == 0:
                break
            time.sleep(2)
        shutil.rmtree(self.root, ignore_errors=True)

    def ansible_task(self, module, args):
        sh([tool('ansible'), 'localhost', '-m', 'microlab.docker_internals.' + module, '-a', json.dumps(args)],
           env=self.env)

    def module_direct(self, module, args):
        fd, path = tempfile.mkstemp(suffix='.json')
        with os.fdopen(fd, 'w') as handle:
            json.dump({'ANSIBLE_MODULE_ARGS': args}, handle)
        try:
            out = sh([sys.executable, '-m', MODULES + module, path], env=self.env)
        finally:
            os.unlink(path)
        assert '"failed"' not in out, out

    def module_work(self, module, names):
        """Seconds spent in the module's own code (resolve + gather), best of repeat, measured in-process."""
        code = (
            'import sys, time\n'
            'from ansible_collections.microlab.docker_internals.plugins.module_utils import targets, %s as m\n'
            'best = 9e9\n'
            'for _ in range(%d):\n'
            '    t = time.perf_counter()\n'
            '    m.gather(targets.resolve({"containers": sys.argv[1:], "docker_host": "unix:///var/run/docker.sock"}%s))\n'
            '    best = min(best, time.perf_counter() - t)\n'
            'print(best)\n' % (
                'netns_sockets' if module == 'netns_socket_facts' else 'container_processes', self.repeat,
                '' if module == 'netns_socket_facts' else ', with_paths=False'))
        return float(sh([sys.executable, '-c', code] + names, env=self.env))

    def playbook_loop(self, command, items):
        play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
            {'name': 'loop', 'ansible.builtin.command': command, 'loop': items, 'changed_when': False}]}]
        fd, path = tempfile.mkstemp(suffix='.yml')
        with os.fdopen(fd, 'w') as handle:
            json.dump(play, handle)  # JSON is YAML
        try:
            sh([tool('ansible-playbook'), path], env=self.env)
        finally:
            os.unlink(path)

    def run_size(self, count):
        names, pids = self.ensure(count)
        pid_list = ' '.join(str(p) for p in pids)
        links = ' '.join('%s:%d' % (n, p) for n, p in zip(names, pids))
        r = self.repeat
        rows = {}
        rows['netns_socket_facts'] = {
            'a': timed(lambda: self.ansible_task('netns_socket_facts', {'containers': names}), r),
            'a_module': timed(lambda: self.module_direct('netns_socket_facts', {'containers': names}), r),
            'a_work': self.module_work('netns_socket_facts', names),
            'b': timed(lambda: self.playbook_loop('nsenter -t {{ item }} -n ss -tlnH', pids), 1),
            'c_nsenter': timed(lambda: sh(['bash', '-c', 'for p in %s; do nsenter -t $p -n ss -tlnH; done'
                                           % pid_list]), r),
            'c_netns': timed(lambda: sh(['bash', '-c',
                                         'mkdir -p /var/run/netns; for x in %s; do n=${x%%:*}; p=${x#*:}; '
                                         'ln -sf /proc/$p/ns/net /var/run/netns/$n; ss -tln -N $n; '
                                         'rm -f /var/run/netns/$n; done' % links]), r),
        }
        rows['container_uid_facts'] = {
            'a': timed(lambda: self.ansible_task('container_uid_facts', {'containers': names}), r),
            'a_module': timed(lambda: self.module_direct('container_uid_facts', {'containers': names}), r),
            'a_work': self.module_work('container_uid_facts', names),
            'b': timed(lambda: self.playbook_loop('docker top {{ item }} -eo pid,uid', names), 1),
            'c_nsenter': timed(lambda: sh(['bash', '-c', 'for c in %s; do docker top $c -eo pid,uid; done'
                                           % ' '.join(names)]), r),
            'c_netns': timed(lambda: sh(['bash', '-c', 'for p in %s; do ps -o pid=,uid= -p $p --ppid $p; done'
                                         % pid_list]), r),
        }
        return rows


def table(results):
    lines = [
        '| module | containers | (a) one task | (a) module process | (a) module work | (b) `command` loop task | '
        '(c) shell loop 1 | (c) shell loop 2 | (b)/(a) | (c) best / module work |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ]
    for module in ('netns_socket_facts', 'container_uid_facts'):
        for count, rows in results:
            t = rows[module]
            c_best = min(t['c_nsenter'], t['c_netns'])
            lines.append('| %s | %d | %.3f s | %.3f s | %.3f s | %.3f s | %.3f s | %.3f s | %.1fx | %.1fx |' % (
                module, count, t['a'], t['a_module'], t['a_work'], t['b'], t['c_nsenter'], t['c_netns'],
                t['b'] / t['a'], c_best / t['a_work']))
    return lines


def write_docs(text):
    """Replace (or add) the '## Fact modules' section of docs/benchmarks.md, keeping other sections."""
    path = os.path.join(REPO, 'docs', 'benchmarks.md')
    old = ''
    if os.path.exists(path):
        with open(path) as handle:
            old = handle.read()
    if SECTION in old:
        head, rest = old.split(SECTION, 1)
        tail = rest[rest.find('\n## '):] if '\n## ' in rest else ''
        new = head + text + tail
    else:
        new = (old.rstrip('\n') + '\n\n' if old else '# Benchmarks\n\n') + text
    with open(path, 'w') as handle:
        handle.write(new)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', default='1,20,50')
    parser.add_argument('--repeat', type=int, default=3)
    opts = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit('run as root')
    bench = Bench(opts.repeat)
    try:
        results = [(n, bench.run_size(n)) for n in (int(s) for s in opts.sizes.split(','))]
    finally:
        bench.cleanup()
    print('\n'.join(table(results)))
    print(json.dumps(results, indent=1), file=sys.stderr)
    return results, table(results)


if __name__ == '__main__':
    main()
