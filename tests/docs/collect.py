# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Find every shell command the docs tell a user to run (README.md, docs/*.md, roles/*/README.md).

What counts as a command:
- each logical line of a fenced ```sh, ```bash, ```shell or ```console block: `\\` continuations
  joined, comments and blank lines dropped, a leading `$ ` or `# ` prompt removed (in a
  ```console block only lines with a `$ ` prompt are commands, the rest is output);
- inline `code`, in prose or in a table cell, whose first word is one of the project's
  commands (PROJECT_COMMANDS, or a path under .venv/bin/, scripts/ or bench/, or a
  `STEPS=...` prefix) followed by at least one argument: `make lab` is a command,
  `scripts/test.sh` alone names a file;
- inline `code` in a usage table (a table with a column headed `command`) whose first word
  is also one of the chapter's commands (`docker`, `lab`): elsewhere those are examples of
  what the lab shows, not steps for the reader.

Whitespace is normalised (runs of blanks become one space), so one command shown in
several files is one entry of tests/docs/commands.yml and runs once.

`python tests/docs/collect.py` prints every command with the files that show it.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import sys

PROJECT_COMMANDS = ('ansible-playbook', 'ansible-galaxy', 'ansible-doc', 'ansible-inventory', 'make', 'molecule',
                    'pytest')
PROJECT_PATH_PREFIXES = ('.venv/bin/', 'scripts/', 'bench/')
CHAPTER_COMMANDS = ('docker', 'lab')
SHELL_FENCES = ('sh', 'bash', 'shell', 'console')
DOC_GLOBS = ('README.md', 'docs/*.md', 'roles/*/README.md')

FENCE = re.compile(r'^(\s*)(`{3,}|~{3,})\s*([\w+-]*)')
INLINE_CODE = re.compile(r'(`+)(.+?)\1')


class Command(object):
    """One command as one doc shows it: the normalised text, the file and the line."""

    def __init__(self, text, path, line):
        self.text = text
        self.path = path
        self.line = line

    @property
    def id(self):
        """Stable id: the file and the command text (never the line number, which moves)."""
        return '%s: %s' % (self.path, self.text)

    def __repr__(self):
        return 'Command(%r, %r, %r)' % (self.text, self.path, self.line)


def normalise(text):
    return ' '.join(text.split())


def _first_word(text):
    """The command word: skip leading VAR=value assignments (`STEPS="unit lint" scripts/test.sh`)."""
    try:
        words = shlex.split(text, comments=False)
    except ValueError:
        words = text.split()
    rest = list(words)
    while rest and re.match(r'^[A-Za-z_][A-Za-z0-9_]*=', rest[0]):
        rest.pop(0)
    return words, rest


def is_command(text, chapter=False):
    """Does this inline code read as a command to run (see the module's docstring)?"""
    words, rest = _first_word(text)
    if not words:
        return False
    if len(rest) < len(words):  # VAR=value first: a command only if something follows
        return bool(rest)
    first = rest[0]
    known = first in PROJECT_COMMANDS or (chapter and first in CHAPTER_COMMANDS) or \
        any(first.startswith(prefix) and len(first) > len(prefix) for prefix in PROJECT_PATH_PREFIXES)
    return known and len(rest) >= 2


def _strip_comment(line):
    """Drop a trailing `# comment` that is outside quotes."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in '\'"':
            quote = char
        elif char == '#' and (index == 0 or line[index - 1].isspace()):
            return line[:index]
    return line


def fenced_commands(lines, console=False):
    """The commands of one fenced block's lines: continuations joined, comments and prompts dropped.

    Returns [(index of the command's first line in lines, text)].
    """
    commands = []
    pending = ''
    first = 0
    for index, raw in enumerate(lines):
        line = raw.rstrip('\n')
        if not pending:
            first = index
            stripped = line.strip()
            if console:
                if not stripped.startswith('$ '):
                    continue  # output
                line = stripped[2:]
            elif stripped.startswith('$ '):
                line = stripped[2:]
            elif stripped.startswith('#'):
                continue  # a comment line (or a root prompt, which the docs do not use)
        if line.rstrip().endswith('\\'):
            pending += line.rstrip()[:-1] + ' '
            continue
        text = normalise(_strip_comment(pending + line))
        pending = ''
        if text:
            commands.append((first, text))
    if pending.strip():
        commands.append((first, normalise(_strip_comment(pending))))
    return commands


def _table_cells(line):
    return [cell.strip() for cell in line.strip().strip('|').split('|')]


def collect_text(text, path):
    """Every command in one markdown text, in order."""
    found = []
    lines = text.splitlines()
    fence = None  # (marker, language, first line number, lines)
    usage_table = False
    previous = ''
    for number, line in enumerate(lines, 1):
        if fence:
            if line.strip().startswith(fence[0]) and not line.strip()[len(fence[0]):].strip():
                language, start, body = fence[1], fence[2], fence[3]
                if language in SHELL_FENCES:
                    for index, command in fenced_commands(body, console=(language == 'console')):
                        found.append(Command(command, path, start + 1 + index))
                fence = None
            else:
                fence[3].append(line)
            continue
        match = FENCE.match(line)
        if match:
            fence = (match.group(2), match.group(3).lower(), number, [])
            continue
        is_row = line.lstrip().startswith('|')
        if is_row and not previous.lstrip().startswith('|'):
            usage_table = 'command' in [cell.lower() for cell in _table_cells(line)]
        elif not is_row:
            usage_table = False
        for code in INLINE_CODE.finditer(line):
            candidate = normalise(code.group(2))
            if is_command(candidate, chapter=is_row and usage_table):
                found.append(Command(candidate, path, number))
        previous = line
    return found


def doc_files(root):
    paths = []
    for pattern in DOC_GLOBS:
        paths.extend(sorted(glob.glob(os.path.join(root, pattern))))
    return [os.path.relpath(path, root) for path in paths]


def collect(root):
    """Every command of every doc under root, in file order."""
    found = []
    for path in doc_files(root):
        with open(os.path.join(root, path), encoding='utf-8') as handle:
            found.extend(collect_text(handle.read(), path))
    return found


def by_text(commands):
    """{normalised text: [Command, ...]}: one entry per distinct command."""
    grouped = {}
    for command in commands:
        grouped.setdefault(command.text, []).append(command)
    return grouped


def main(argv):
    root = argv[1] if len(argv) > 1 else os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for text, shown in by_text(collect(root)).items():
        print('%s\n    %s' % (text, ', '.join('%s:%s' % (c.path, c.line) for c in shown)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
