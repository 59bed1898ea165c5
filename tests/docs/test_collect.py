# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collector on small markdown samples: fenced blocks, continuations, prompts, tables, prose."""

from __future__ import annotations

import textwrap

import pytest

import collect


def texts(markdown):
    return [c.text for c in collect.collect_text(textwrap.dedent(markdown), 'sample.md')]


@pytest.mark.parametrize('markdown, expected', [
    # one command per line; trailing and whole-line comments dropped
    ('''
     ```sh
     make lab    # set up .venv
     # a comment line
     make test
     ```
     ''', ['make lab', 'make test']),
    # backslash continuations are joined, whitespace normalised
    ('''
     ```bash
     ansible-playbook -i class.csv \\
         lab.yml   --tags users
     ```
     ''', ['ansible-playbook -i class.csv lab.yml --tags users']),
    # `$ ` prompts removed; in console blocks, lines without a prompt are output
    ('''
     ```console
     $ ansible-inventory -i class.csv --graph
     @all:
       |--@lab_vms:
     $ make lab
     ```
     ''', ['ansible-inventory -i class.csv --graph', 'make lab']),
    ('''
     ```sh
     $ make venv
     ```
     ''', ['make venv']),
    # a `#` inside quotes is not a comment
    ('''
     ```sh
     ansible-playbook lab.yml -e '{"note": "a # b"}'  # typed values
     ```
     ''', ['ansible-playbook lab.yml -e \'{"note": "a # b"}\'']),
    # other languages are not shell
    ('''
     ```yaml
     make: lab
     ```
     ```
     make lab
     ```
     ''', []),
    # `&&` stays one command
    ('''
     ```sh
     ansible-galaxy collection build && ansible-galaxy collection install x.tar.gz
     ```
     ''', ['ansible-galaxy collection build && ansible-galaxy collection install x.tar.gz']),
])
def test_fenced_blocks(markdown, expected):
    assert texts(markdown) == expected


@pytest.mark.parametrize('markdown, expected', [
    # a usage table: project commands and the chapter's commands
    ('''
     | who | command |
     | --- | --- |
     | student | `make lab`, then `.venv/bin/ansible-playbook lab.yml --tags users` (or `nginx`) |
     | student | `lab check` on the VM, or `docker  ps -a` |
     | maintainer | `STEPS="unit lint" scripts/test.sh` for a part |
     ''', ['make lab', '.venv/bin/ansible-playbook lab.yml --tags users', 'lab check', 'docker ps -a',
           'STEPS="unit lint" scripts/test.sh']),
    # another table: paths and names are not commands; `docker ...` is an example, not a step
    ('''
     | path | what |
     | --- | --- |
     | `scripts/test.sh` | the suite behind `make test`; `molecule/` scenarios |
     | `lab_users` | `docker rm -f lab_user_1234` breaks it |
     ''', ['make test']),
    # prose: project commands with an argument only
    ('''
     Run `ansible-playbook lab.yml --tags network` alone; `make` and `docker top x` are not steps.
     The `bench/fleet_bench.sh 1 3 5` script, but `bench/chapter_plain.sh` is a file.
     ''', ['ansible-playbook lab.yml --tags network', 'bench/fleet_bench.sh 1 3 5']),
    # an environment prefix needs a command after it
    ('''
     `MICROLAB_ROSTER_STRICT=true ansible-playbook -i class.csv lab.yml` but not `FOO=1`.
     ''', ['MICROLAB_ROSTER_STRICT=true ansible-playbook -i class.csv lab.yml']),
    # inline code inside a fence is the fence's, not prose
    ('''
     ```yaml
     cmd: `make lab`
     ```
     ''', []),
])
def test_inline_code(markdown, expected):
    assert texts(markdown) == expected


def test_table_ends_at_a_non_table_line():
    markdown = '''
    | who | command |
    | --- | --- |
    | a | `make lab` |

    | x | y |
    | --- | --- |
    | b | `docker ps` `lab hint` |
    '''
    assert texts(markdown) == ['make lab']


def test_ids_and_lines_are_stable():
    markdown = 'intro\n\n```sh\nmake lab\n\nmake   test\n```\n| who | command |\n| - | - |\n| a | `make lab` |\n'
    found = collect.collect_text(markdown, 'docs/x.md')
    assert [(c.id, c.line) for c in found] == [('docs/x.md: make lab', 4), ('docs/x.md: make test', 6),
                                               ('docs/x.md: make lab', 10)]
    assert list(collect.by_text(found)) == ['make lab', 'make test']
    assert [c.line for c in collect.by_text(found)['make lab']] == [4, 10]


def test_the_project_docs_are_found():
    """The real docs: the README's first block is found, so the globs and the parser work together."""
    root = collect.os.path.dirname(collect.os.path.dirname(collect.os.path.dirname(collect.os.path.abspath(
        collect.__file__))))
    found = collect.by_text(collect.collect(root))
    assert [c.path for c in found['make lab']][0] == 'README.md'
    assert 'docs/roster.md' in [c.path for c in found['ansible-inventory -i class.csv --graph']]
