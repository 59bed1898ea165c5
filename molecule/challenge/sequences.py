# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the table of student sequences (sequences.yml) on the challenge scenario's VMs and judge the answers.

Usage: sequences.py --table sequences.yml --images refs.json --ssh-key KEY --address STUDENT=IP... --out DIR
       [--only ROW...]

One SSH session per VM, as the student, all at once: each runs its rows in order (a shell script on standard
input) and prints, at the end, one JSON document with what `lab check` answered for each row. Then each row's
expectations are checked here: the exit code, the steps that fail or pass (`lab status --json`), the catalog's
words in the VM's language. Prints the table; exit code 1 when a row that ran did not answer as expected.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import threading
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', '.ansible', 'collections'))

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog  # noqa: E402

IMAGES = ('shell', 'nginx', 'curl', 'nettools')
STEPS = ('users_root', 'users_uid', 'nginx_netns', 'nginx_not_on_host', 'nginx_by_ip', 'network_created',
         'network_bridge_200', 'network_lonely_timeout', 'networks_differ', 'files_owner_writes',
         'files_other_refused', 'files_root_writes', 'overlay_changes', 'overlay_own_mount', 'scratch_exported',
         'scratch_unshared', 'scratch_linked', 'scratch_limited')
PLACEHOLDER = re.compile(r'\{[^{}]*\}')
SSH_TIMEOUT = 1500

# The shell each VM runs: helpers, then the rows, then the answers as one JSON document.
PRELUDE = r'''
D=$(mktemp -d)
listing() { docker ps -aq --no-trunc | sort; echo --; docker network ls -q --no-trunc | sort; echo --;
            docker images -q --no-trunc | sort -u; }
row_start() { lab reset --yes >/dev/null 2>&1; sleep 1; listing > "$D/before"; date +%s > "$D/$1.start"; }
row_end() {
  date +%s > "$D/$1.end"
  listing > "$D/after"
  awk -v part=0 'FNR == 1 { part = 0; file++ } /^--$/ { part++; next }
                 file == 1 { seen[part, $0] = 1; next } !seen[part, $0] { print part, $0 }' "$D/before" "$D/after" |
    sort -k1,1 | while read -r part id; do
      case $part in 0) docker rm -f "$id" ;; 1) docker network rm "$id" ;; 2) docker rmi -f "$id" ;; esac
    done >/dev/null 2>&1
}
'''
EPILOGUE = r'''
python3 - "$D" <<'PY'
import json, os, sys
d = sys.argv[1]
def read(name, limit=60000):
    try:
        with open(os.path.join(d, name), encoding='utf-8', errors='replace') as handle:
            return handle.read()[-limit:]
    except OSError:
        return None
rows = {}
for name in sorted(os.listdir(d)):
    if name.endswith('.rc'):
        row = name[:-3]
        status = read(row + '.status')
        try:
            status = json.loads(status) if status else None
        except ValueError:
            status = None
        rows[row] = {'rc': int(read(name).strip() or -1), 'check': read(row + '.check'),
                     'typed': read(row + '.typed', 8000), 'status': status, 'skipped': read(row + '.skipped', 500),
                     'each': [int(x) for x in (read(row + '.each') or '').split()],
                     'seconds': int(read(row + '.end') or 0) - int(read(row + '.start') or 0)}
print('@@sequences@@' + json.dumps(rows))
PY
rm -rf "$D"
'''


def load(path):
    with open(path, encoding='utf-8') as handle:
        table = yaml.safe_load(handle)
    ids = [row['id'] for row in table['rows']]
    if len(set(ids)) != len(ids):
        raise SystemExit('sequences: row ids repeat: %s' % ids)
    return table


def typed(line, images):
    """A line as the student types it on this VM: the chapter's images are this VM's."""
    for name in IMAGES:
        line = line.replace('<%s>' % name, images[name])
    return line


def row_script(row, images):
    """The shell lines of one row: a clean slate, the student's lines in one subshell, lab check, cleanup."""
    rid = row['id']
    lines = ['row_start %s' % rid, '(']
    for line in row['commands']:
        lines.append(typed(line, images))
        if row.get('check_each'):
            lines.append('lab check >>"$D/%s.each_out" 2>&1; echo $? >>"$D/%s.each"' % (rid, rid))
    if row.get('check'):  # lab check takes one step: the row's answer is the worst of its steps'
        lines += ['rc=0; for step in %s; do lab check $step; one=$?; [ $one -gt $rc ] && rc=$one; done '
                  '>"$D/%s.check" 2>&1; echo $rc >"$D/%s.rc"' % (' '.join(row['check']), rid, rid)]
    else:
        lines += ['lab check >"$D/%s.check" 2>&1; echo $? >"$D/%s.rc"' % (rid, rid)]
    lines += ['lab status --json >"$D/%s.status" 2>/dev/null' % rid,
              ') >"$D/%s.typed" 2>&1 </dev/null' % rid]
    lines += [typed(line, images) for line in row.get('cleanup') or []]
    lines.append(('date +%%s > "$D/%s.end"' % rid) if row.get('keep') else 'row_end %s' % rid)
    if row.get('skip_unless'):  # what the row needs from this VM, tried first: else the row is skipped
        lines = ['if ( %s ) >"$D/%s.skipped" 2>&1; then rm -f "$D/%s.skipped"' % (row['skip_unless'], rid, rid)] + \
            lines + ['else echo 0 >"$D/%s.rc"; fi' % rid]
    return '\n'.join(lines) + '\n'


def vm_script(rows, images):
    return PRELUDE + ''.join(row_script(row, images) for row in rows) + EPILOGUE


def run_vm(student, address, key, script, answers):
    argv = ['ssh', '-i', key, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
            '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes', '%s@%s' % (student, address), 'bash -s']
    started = time.time()
    try:
        done = subprocess.run(argv, input=script, capture_output=True, text=True, timeout=SSH_TIMEOUT, check=False)
        out, err = done.stdout, done.stderr
    except subprocess.TimeoutExpired as exc:
        out, err = exc.stdout or '', 'ssh timed out after %s s' % SSH_TIMEOUT
    found = [line for line in (out or '').splitlines() if line.startswith('@@sequences@@')]
    answers[student] = {'rows': json.loads(found[-1][len('@@sequences@@'):]) if found else {},
                        'error': '' if found else (err or out)[-2000:], 'seconds': round(time.time() - started)}


def catalog_words(lang, key):
    """The longest fixed part of a catalog text: what must be in the answer whatever the parameters."""
    text = catalog.messages(lang)[key]
    parts = [part.strip(' .,:;()`"\'') for part in PLACEHOLDER.split(text if isinstance(text, str) else ' '.join(text))]
    return max(parts, key=len)


def verdict(row, answer, lang):
    """The list of what the row's answer got wrong (empty: as expected)."""
    if answer is None:
        return ['no answer from the VM']
    wrong = []
    if answer['rc'] != row['rc']:
        wrong.append('lab check exit code %s, expected %s' % (answer['rc'], row['rc']))
    steps = dict((step['id'], step['passes_now']) for step in (answer['status'] or {}).get('steps') or [])
    if not steps:
        wrong.append('no lab status --json')
    for step in row.get('fails') or []:
        if steps.get(step) is not False:
            wrong.append('%s does not fail' % step)
    for step in row.get('passes') or []:
        if steps.get(step) is not True:
            wrong.append('%s does not pass' % step)
    for key in row.get('says') or []:
        words = catalog_words(lang, key)
        if words not in (answer['check'] or ''):
            wrong.append('%s (%s: "%s") not said' % (key, lang, words))
    if row.get('check_each'):
        each = answer['each']
        if len(each) != len(row['commands']) or each[-1] != 0 or any(rc != 1 for rc in each[:-1]):
            wrong.append('lab check after each command answered %s, expected 1 each time and 0 at the end' % each)
    return wrong


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--table', default=os.path.join(HERE, 'sequences.yml'))
    parser.add_argument('--images', required=True, help='refs.json: the images as the VMs know them')
    parser.add_argument('--ssh-key', required=True)
    parser.add_argument('--address', action='append', required=True, help='STUDENT=IP, once per VM')
    parser.add_argument('--out', required=True, help='directory for the answers (sequences.json)')
    parser.add_argument('--only', action='append', help='run only these rows (while developing)')
    args = parser.parse_args(argv)
    table = load(args.table)
    with open(args.images, encoding='utf-8') as handle:
        images = json.load(handle)
    addresses = dict(item.split('=', 1) for item in args.address)
    rows = [row for row in table['rows'] if not args.only or row['id'] in args.only]
    answers, threads = {}, []
    for student, address in sorted(addresses.items()):
        mine = [row for row in rows if row['vm'] == student]
        thread = threading.Thread(target=run_vm, args=(student, address, args.ssh_key, vm_script(mine, images),
                                                       answers))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    report, bad, passed, skipped = [], 0, 0, 0
    for row in rows:
        lang = table['languages'][row['vm']]
        answer = answers.get(row['vm'], {}).get('rows', {}).get(row['id'])
        if answer and answer.get('skipped') is not None:
            skipped += 1
            report.append('SKIP  %-32s %-5s this VM cannot: %s: %s' % (
                row['id'], row['vm'], row['skip_unless'], ' '.join(answer['skipped'].split())))
            continue
        wrong = verdict(row, answer, lang)
        seconds = answer['seconds'] if answer else '-'
        if wrong:
            bad += 1
            report.append('FAIL  %-32s %-5s %4s s  %s' % (row['id'], row['vm'], seconds, '; '.join(wrong)))
            if answer:
                report.append('      typed:\n' + shlex.quote(answer['typed'] or '')[-3000:])
                report.append('      lab check:\n' + (answer['check'] or '')[-4000:])
        else:
            passed += 1
            fails = ' fails ' + ','.join(row['fails']) if row.get('fails') else ''
            report.append('ok    %-32s %-5s %4s s  rc %s%s' % (row['id'], row['vm'], seconds, row['rc'], fails))
    for student in sorted(answers):
        report.append('VM %s: %s s%s' % (student, answers[student]['seconds'],
                                         ', error: ' + answers[student]['error'] if answers[student]['error'] else ''))
    report.append('%d rows as expected, %d not, %d skipped (a skipped row is not a pass)' % (passed, bad, skipped))
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, 'sequences.json'), 'w', encoding='utf-8') as handle:
        json.dump(answers, handle, indent=1, ensure_ascii=False)
    print('\n'.join(report))
    return 1 if bad or not passed else 0


if __name__ == '__main__':
    sys.exit(main())
