# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The firewall as it is on this host, and the rule that dropped a probe between two Docker bridges.

Standard library only: this file runs inside an Ansible module and in the stdlib-only
`lab` command on the student's VM. Internal API of the collection, three calls:

``snapshot(runner=subprocess.run) -> dict``
    Reads the firewall with its packet counters. Never raises for a missing binary or a
    permission error: the failure is reported in ``errors``. Plain, JSON-serialisable::

        {'iptables_version': 'iptables v1.8.9 (nf_tables)' | None,
         'iptables_backend': 'nf_tables' | 'legacy' | None,
         'iptables_save': '<iptables-save -c output>' | None,
         'nft_ruleset': '<nft -j list ruleset output>' | None,   # only where `nft` exists
         'errors': {'iptables -V' | 'iptables-save' | 'nft': 'message', ...}}

    IPv6 (`ip6tables-save`) is not read: the lab's probe is IPv4 only.

``parse_iptables_save(text) -> dict``
    ``{table: {'chains': {chain: {'policy': 'DROP' | None, 'packets': int, 'bytes': int,
    'rules': [rule, ...]}}}}`` where a rule is ``{'text': '-A CHAIN ...', 'chain', 'packets',
    'bytes', 'target', 'matches': {'in': (negated, name) | None, 'out', 'src', 'dst'},
    'other': [unparsed words]}``.

``find_drop(before, after, src_bridge, dst_bridge, dst_ip=None) -> dict``
    Given two snapshots taken around a probe from a container on ``src_bridge`` to one on
    ``dst_bridge`` (address ``dst_ip``)::

        {'matched': [drop, ...],     # DROP/REJECT rules on that path whose counter went up,
                                     # first on the packet's path first (raw before filter)
         'candidates': [drop, ...],  # the drop rules on that path, when no counter moved
         'drop': drop | None,        # matched[0], the rule to show the student
         'errors': [str, ...]}       # what could not be read (e.g. no root)

    where ``drop`` is::

        {'backend': 'iptables-legacy' | 'iptables-nft' | 'iptables' | 'nftables',
         'kind': 'isolation-stage-2'      # Docker <= 28: DOCKER-ISOLATION-STAGE-2 -o BR -j DROP
                 | 'isolation-stage-1'      # (not made by Docker; kept for completeness)
                 | 'direct-access-drop'     # Docker >= 28: raw PREROUTING -d IP ! -i BR -j DROP,
                                            #   nftables "DROP DIRECT ACCESS"
                 | 'bridge-ingress-drop'    # Docker >= 28: DOCKER ! -i BR -o BR -j DROP
                 | 'unpublished-port-drop'  # nftables "UNPUBLISHED PORT DROP"
                 | 'icc-drop'               # nftables ICC drop (icc=false networks)
                 | 'policy'                 # a chain's DROP policy ('-P FORWARD DROP')
                 | 'other',                 # any other drop on the path (a host firewall)
         'table': 'filter' | 'raw' | ... | 'ip docker-bridges' | 'ip filter' (nft: family and name),
         'chain': 'DOCKER-ISOLATION-STAGE-2', 'rule': the rule as iptables-save/nft prints it,
         'packets_before': int, 'packets_after': int,
         'command': 'iptables -t filter -L DOCKER-ISOLATION-STAGE-2 -v -n'}

All parsing and judging functions are pure; only ``snapshot`` runs commands.
"""

from __future__ import annotations

import ipaddress
import json
import shlex
import subprocess

# Where a forwarded packet passes, in order (netfilter hook priorities), per backend.
IPTABLES_PATH = (('raw', 'PREROUTING'), ('mangle', 'PREROUTING'), ('mangle', 'FORWARD'),
                 ('filter', 'FORWARD'), ('security', 'FORWARD'))
IPTABLES_TABLES = ('raw', 'mangle', 'nat', 'filter', 'security')
NFT_HOOKS = ('prerouting', 'forward')
DROP_TARGETS = ('DROP', 'REJECT')
NFT_DROP_VERDICTS = ('drop', 'reject')
ADDRESS_OPTIONS = {'-i': 'in', '--in-interface': 'in', '-o': 'out', '--out-interface': 'out',
                   '-s': 'src', '--source': 'src', '-d': 'dst', '--destination': 'dst'}
TIMEOUT = 20


# ---------------------------------------------------------------------------- I/O


def _run(runner, argv):
    """(stdout, error) of a command; error is a one-line message, never an exception."""
    try:
        proc = runner(argv, capture_output=True, text=True, check=False, timeout=TIMEOUT)
    except FileNotFoundError:
        return None, '%s: command not found' % argv[0]
    except PermissionError as exc:
        return None, '%s: %s' % (argv[0], exc)
    except (OSError, subprocess.SubprocessError) as exc:
        return None, '%s: %s' % (argv[0], exc)
    if proc.returncode != 0:
        message = (proc.stderr or proc.stdout or '').strip().splitlines()
        return None, '%s exited %d: %s' % (argv[0], proc.returncode, message[0] if message else '')
    return proc.stdout, None


def iptables_backend(version_text):
    """'legacy', 'nf_tables' or None, from `iptables -V` ("iptables v1.8.9 (nf_tables)")."""
    if not version_text:
        return None
    if '(nf_tables)' in version_text:
        return 'nf_tables'
    if '(legacy)' in version_text:
        return 'legacy'
    return None


def snapshot(runner=subprocess.run):
    """Read this host's firewall with its counters (see the module docstring for the shape)."""
    errors = {}
    version, error = _run(runner, ['iptables', '-V'])
    if error:
        errors['iptables -V'] = error
    version = version.strip() if version else None
    saved, error = _run(runner, ['iptables-save', '-c'])
    if error:
        errors['iptables-save'] = error
    elif not saved.strip():
        errors['iptables-save'] = 'iptables-save printed nothing (not root?)'
        saved = None
    ruleset, error = _run(runner, ['nft', '-j', 'list', 'ruleset'])
    if error and 'command not found' not in error:
        errors['nft'] = error
    return {
        'iptables_version': version,
        'iptables_backend': iptables_backend(version),
        'iptables_save': saved,
        'nft_ruleset': ruleset,
        'errors': errors,
    }


# ---------------------------------------------------------------------------- iptables-save


def _parse_counters(word):
    """(packets, bytes) of '[12:345]'."""
    packets, nbytes = word.strip('[]').split(':')
    return int(packets), int(nbytes)


def _parse_rule(text, words, packets, nbytes):
    """A rule from its text after the counters ('-A CHAIN ...') and that text's words."""
    rule = {'chain': words[1], 'packets': packets, 'bytes': nbytes, 'target': None, 'text': text,
            'matches': {'in': None, 'out': None, 'src': None, 'dst': None}, 'other': []}
    negate = False
    index = 2
    while index < len(words):
        word = words[index]
        if word == '!':
            negate = True
        elif word in ('-j', '--jump', '-g', '--goto') and index + 1 < len(words):
            rule['target'] = words[index + 1]
            index += 1
        elif word in ADDRESS_OPTIONS and index + 1 < len(words):
            rule['matches'][ADDRESS_OPTIONS[word]] = (negate, words[index + 1])
            negate = False
            index += 1
        else:
            rule['other'].append(('! ' if negate else '') + word)
            negate = False
        index += 1
    return rule


def parse_iptables_save(text):
    """Tables, chains and rules with counters of `iptables-save -c` output (shape in module docstring)."""
    tables = {}
    chains = None
    for line in (text or '').splitlines():
        line = line.strip()
        if not line or line.startswith('#') or line == 'COMMIT':
            continue
        if line.startswith('*'):
            chains = tables.setdefault(line[1:], {'chains': {}})['chains']
            continue
        if chains is None:
            continue
        words = shlex.split(line)
        if line.startswith(':'):
            policy = words[1] if len(words) > 1 and words[1] != '-' else None
            packets, nbytes = _parse_counters(words[2]) if len(words) > 2 else (0, 0)
            chains[words[0][1:]] = {'policy': policy, 'packets': packets, 'bytes': nbytes, 'rules': []}
            continue
        packets = nbytes = 0
        if words[0].startswith('['):
            packets, nbytes = _parse_counters(words[0])
            words = words[1:]
            line = line.split(']', 1)[1].strip()
        if len(words) < 2 or words[0] != '-A':
            continue
        chain = chains.setdefault(words[1], {'policy': None, 'packets': 0, 'bytes': 0, 'rules': []})
        chain['rules'].append(_parse_rule(line, words, packets, nbytes))
    return tables


# ---------------------------------------------------------------------------- packet matching


def _interface_matches(pattern, name):
    """iptables/nft interface match: exact, or a prefix ending in '+' / '*'."""
    if name is None:
        return None
    if pattern.endswith('+') or pattern.endswith('*'):
        return name.startswith(pattern[:-1])
    return name == pattern


def _address_matches(pattern, address):
    """Whether address is in pattern (an address or a CIDR); None when address is unknown."""
    if address is None:
        return None
    try:
        return ipaddress.ip_address(address) in ipaddress.ip_network(pattern, strict=False)
    except ValueError:
        return None


def _condition(negated, result):
    """Apply a negation to a three-valued match (True, False, None for 'cannot tell')."""
    if result is None:
        return None
    return not result if negated else result


def _rule_could_match(rule, packet):
    """False when the rule's -i/-o/-s/-d rule the packet out; True otherwise.

    packet: {'in': iface, 'out': iface, 'src': ip or None, 'dst': ip or None}. Other
    matches (protocol, ports, conntrack) are not judged: a counter tells whether they hit.
    """
    for key, value in rule['matches'].items():
        if value is None:
            continue
        negated, pattern = value
        if key in ('in', 'out'):
            result = _interface_matches(pattern, packet.get(key))
        else:
            result = _address_matches(pattern, packet.get(key))
        if _condition(negated, result) is False:
            return False
    return True


def _new_connection_only(rule):
    """True when a conntrack/state match limits the rule to packets of known connections.

    The probe's packets open a new connection (state NEW), so such a rule never sees them.
    """
    other = rule['other']
    for index, word in enumerate(other[:-1]):
        if word in ('--ctstate', '--state'):
            states = set(other[index + 1].split(','))
            return not states & {'NEW', 'INVALID', 'UNTRACKED'}
    return False


# ---------------------------------------------------------------------------- iptables path


def _reachable_iptables_chains(tables, packet):
    """[(table, chain)] a forwarded packet may traverse, in path order (jumps followed)."""
    order = []
    for table, builtin in IPTABLES_PATH:
        chains = tables.get(table, {}).get('chains', {})
        if builtin not in chains:
            continue
        stack = [builtin]
        while stack:
            name = stack.pop(0)
            if (table, name) in order or name not in chains:
                continue
            order.append((table, name))
            for rule in chains[name]['rules']:
                if rule['target'] in chains and _rule_could_match(rule, packet) \
                        and not _new_connection_only(rule):
                    stack.append(rule['target'])
    return order


def _shape_kind(table, chain, matches):
    """Which of Docker's isolation shapes a drop rule is, from where it is and its -i/-o/-d."""
    negated_in = bool(matches.get('in') and matches['in'][0])
    if chain in ('DOCKER-ISOLATION-STAGE-2', 'DOCKER-ISOLATION-STAGE-1'):
        return 'isolation-stage-' + chain[-1]
    if table == 'raw' and chain == 'PREROUTING' and matches.get('dst') and negated_in:
        return 'direct-access-drop'
    if chain == 'DOCKER' and negated_in and matches.get('out'):
        return 'bridge-ingress-drop'
    return 'other'


def _iptables_kind(table, chain, rule):
    return _shape_kind(table, chain, rule['matches'])


def iptables_command(table, chain):
    """The command a student runs to see a chain with its counters."""
    return 'iptables -t %s -L %s -v -n' % (table, chain)


def _backend_name(iptables_backend_name):
    return {'nf_tables': 'iptables-nft', 'legacy': 'iptables-legacy'}.get(iptables_backend_name, 'iptables')


def iptables_drops(tables, packet, backend=None):
    """Every DROP/REJECT rule (and DROP policy) on the packet's path, in path order.

    Each is a drop dict of the module docstring with one counter, 'packets'.
    """
    drops = []
    for table, chain in _reachable_iptables_chains(tables, packet):
        info = tables[table]['chains'][chain]
        for rule in info['rules']:
            if rule['target'] in DROP_TARGETS and _rule_could_match(rule, packet) \
                    and not _new_connection_only(rule):
                drops.append(_iptables_drop(backend, table, chain, rule['text'], rule['packets'],
                                            _iptables_kind(table, chain, rule)))
        if info['policy'] in DROP_TARGETS:
            drops.append(_iptables_drop(backend, table, chain, '-P %s %s' % (chain, info['policy']),
                                        info['packets'], 'policy'))
    return _number_keys(drops)


def _number_keys(drops):
    """Make each drop's key unique (a rule text can repeat in one chain) without relying on positions."""
    seen = {}
    for drop in drops:
        seen[drop['key']] = seen.get(drop['key'], 0) + 1
        drop['key'] = drop['key'] + (seen[drop['key']],)
    return drops


def _iptables_drop(backend, table, chain, text, packets, kind):
    return {'backend': _backend_name(backend), 'kind': kind, 'table': table, 'chain': chain,
            'rule': text, 'packets': packets, 'key': ('iptables', table, chain, text),
            'command': iptables_command(table, chain)}


# ---------------------------------------------------------------------------- nftables


IPTABLES_NFT_TABLES = frozenset(('filter', 'nat', 'raw', 'mangle', 'security'))


def parse_nft_json(text):
    """{(family, table): {'chains': {name: chain}, 'maps': {name: [(key, verdict)]}}} of `nft -j list ruleset`.

    A chain is {'hook', 'policy', 'rules': [{'handle', 'expr', 'comment'}]}.
    """
    try:
        items = json.loads(text or '{}').get('nftables', [])
    except ValueError:
        return {}
    tables = {}

    def table_of(obj):
        return tables.setdefault((obj['family'], obj['table']), {'chains': {}, 'maps': {}})

    for item in items:
        if 'table' in item:
            tables.setdefault((item['table']['family'], item['table']['name']), {'chains': {}, 'maps': {}})
        elif 'chain' in item:
            chain = item['chain']
            table_of(chain)['chains'].setdefault(chain['name'], {'rules': []}).update(
                hook=chain.get('hook'), policy=chain.get('policy'), prio=chain.get('prio'))
        elif 'map' in item:
            nft_map = item['map']
            table_of(nft_map)['maps'][nft_map['name']] = [tuple(e) for e in nft_map.get('elem', [])]
        elif 'rule' in item:
            rule = item['rule']
            chain = table_of(rule)['chains'].setdefault(rule['chain'], {'rules': []})
            chain['rules'].append({'handle': rule.get('handle'), 'expr': rule.get('expr', []),
                                   'comment': rule.get('comment')})
    return tables


def _nft_value(value):
    """nft's text for a match's right-hand side."""
    if isinstance(value, dict) and 'set' in value:
        return '{ %s }' % ', '.join(_nft_value(v) for v in value['set'])
    if isinstance(value, dict) and 'prefix' in value:
        return '%s/%s' % (value['prefix']['addr'], value['prefix']['len'])
    if isinstance(value, list):
        return ','.join(_nft_value(v) for v in value)
    if isinstance(value, str) and value.startswith('@'):
        return value
    return str(value)


def _nft_left(left):
    """nft's text for a match's left-hand side, and whether it is an interface name."""
    if 'meta' in left:
        key = left['meta']['key']
        return key, key in ('iifname', 'oifname')
    if 'payload' in left:
        payload = left['payload']
        return '%s %s' % (payload.get('protocol', ''), payload.get('field', '')), False
    if 'ct' in left:
        return 'ct %s' % left['ct']['key'], False
    if 'fib' in left:
        return 'fib %s type' % ' . '.join(left['fib'].get('flags', [])), False
    return json.dumps(left, sort_keys=True), False


def nft_rule_text(rule):
    """A rule as `nft list` prints it, rendered from its JSON expressions (the common ones)."""
    words = []
    for expr in rule['expr']:
        key = next(iter(expr))
        body = expr[key]
        if key == 'match':
            left, is_name = _nft_left(body['left'])
            right = _nft_value(body['right'])
            if is_name and isinstance(body['right'], str) and not right.startswith('@'):
                right = '"%s"' % right
            op = body.get('op', '==')
            words.append('%s %s' % (left, right) if op in ('==', 'in') else '%s %s %s' % (left, op, right))
        elif key == 'counter':
            words.append('counter packets %d bytes %d' % (body.get('packets', 0), body.get('bytes', 0)))
        elif key in ('jump', 'goto'):
            words.append('%s %s' % (key, body['target']))
        elif key == 'vmap':
            words.append('%s vmap %s' % (_nft_left(body['key'])[0], _nft_value(body['data'])))
        elif body is None:
            words.append(key)
        else:
            words.append('%s %s' % (key, json.dumps(body, sort_keys=True)))
    if rule.get('comment'):
        words.append('comment "%s"' % rule['comment'])
    return ' '.join(words)


def _nft_match_result(body, packet):
    """Three-valued result of one nft match expression against the packet."""
    left = body['left']
    right = body['right']
    negated = body.get('op') == '!='
    if 'meta' in left and left['meta']['key'] in ('iifname', 'oifname'):
        name = packet.get('in' if left['meta']['key'] == 'iifname' else 'out')
        patterns = right['set'] if isinstance(right, dict) and 'set' in right else [right]
        if name is None or not all(isinstance(p, str) for p in patterns):
            return None
        return _condition(negated, any(_interface_matches(p, name) for p in patterns))
    if 'payload' in left and left['payload'].get('field') in ('saddr', 'daddr') \
            and left['payload'].get('protocol') == 'ip':
        pattern = right
        if isinstance(right, dict) and 'prefix' in right:
            pattern = '%s/%s' % (right['prefix']['addr'], right['prefix']['len'])
        if isinstance(pattern, str):
            key = 'src' if left['payload']['field'] == 'saddr' else 'dst'
            return _condition(negated, _address_matches(pattern, packet.get(key)))
    if 'ct' in left and left['ct']['key'] == 'state':
        states = right if isinstance(right, list) else [right]
        return _condition(negated, 'new' in states)
    return None


def _nft_could_match(rule, packet):
    """False when one of the rule's matches rules the packet out."""
    for expr in rule['expr']:
        if 'match' in expr and _nft_match_result(expr['match'], packet) is False:
            return False
    return True


def _nft_verdict(rule):
    """('drop'|'accept'|'jump'|..., target or None) of a rule's last verdict."""
    for expr in reversed(rule['expr']):
        for key in ('drop', 'reject', 'accept', 'return'):
            if key in expr:
                return key, None
        for key in ('jump', 'goto'):
            if key in expr:
                return key, expr[key]['target']
    return None, None


def _nft_counter(rule):
    for expr in rule['expr']:
        if 'counter' in expr:
            return expr['counter'].get('packets', 0)
    return None


def _nft_vmap_targets(table, rule, packet):
    """Chains a vmap expression sends the packet to (`oifname vmap @filter-forward-in-jumps`)."""
    targets = []
    for expr in rule['expr']:
        if 'vmap' not in expr:
            continue
        left, is_name = _nft_left(expr['vmap']['key'])
        data = expr['vmap']['data']
        elements = table['maps'].get(data[1:], []) if isinstance(data, str) and data.startswith('@') \
            else [tuple(e) for e in data.get('set', [])] if isinstance(data, dict) else []
        for key, verdict in elements:
            value = packet.get('in' if left == 'iifname' else 'out') if is_name else None
            if value is not None and isinstance(key, str) and _interface_matches(key, value) \
                    and isinstance(verdict, dict):
                for kind in ('jump', 'goto'):
                    if kind in verdict:
                        targets.append(verdict[kind]['target'])
    return targets


def _reachable_nft_chains(table, packet):
    """Chain names of one table a forwarded packet may traverse, base chains by priority."""
    bases = sorted((c.get('prio') or 0, name) for name, c in table['chains'].items() if c.get('hook') in NFT_HOOKS)
    order = []
    stack = [base[1] for base in bases]
    while stack:
        name = stack.pop(0)
        if name in order or name not in table['chains']:
            continue
        order.append(name)
        for rule in table['chains'][name]['rules']:
            if not _nft_could_match(rule, packet):
                continue
            verdict, target = _nft_verdict(rule)
            if target:
                stack.append(target)
            stack.extend(_nft_vmap_targets(table, rule, packet))
    return order


def _nft_matches(rule):
    """The rule's iifname/oifname/daddr matches in parse_iptables_save's shape: {'in': (negated, value)}."""
    keys = {'iifname': 'in', 'oifname': 'out', 'daddr': 'dst', 'saddr': 'src'}
    matches = {}
    for expr in rule['expr']:
        left = expr.get('match', {}).get('left', {})
        name = left.get('meta', {}).get('key') or left.get('payload', {}).get('field')
        if name in keys:
            matches[keys[name]] = (expr['match'].get('op') == '!=', expr['match']['right'])
    return matches


def _nft_kind(table_name, chain, rule):
    """Docker's nftables rules say what they are in a comment; iptables-nft's rules by their shape."""
    comment = (rule.get('comment') or '').upper()
    if 'DIRECT ACCESS' in comment:
        return 'direct-access-drop'
    if 'UNPUBLISHED PORT' in comment:
        return 'unpublished-port-drop'
    if 'ICC' in comment:
        return 'icc-drop'
    return _shape_kind(table_name, chain, _nft_matches(rule))


def nft_drops(tables, packet, skip_iptables_tables=False):
    """Every nft drop/reject rule on the packet's path (tables of iptables-nft skipped if asked)."""
    drops = []
    for (family, name), table in sorted(tables.items()):
        if family not in ('ip', 'inet', 'bridge'):
            continue
        if skip_iptables_tables and family == 'ip' and name in IPTABLES_NFT_TABLES:
            continue
        for chain in _reachable_nft_chains(table, packet):
            for rule in table['chains'][chain]['rules']:
                if _nft_verdict(rule)[0] in NFT_DROP_VERDICTS and _nft_could_match(rule, packet):
                    drops.append({
                        'backend': 'nftables', 'kind': _nft_kind(name, chain, rule), 'table': '%s %s' % (family, name),
                        'chain': chain, 'rule': nft_rule_text(rule), 'packets': _nft_counter(rule) or 0,
                        'key': ('nft', family, name, chain, nft_rule_text(
                            dict(rule, expr=[e for e in rule['expr'] if 'counter' not in e]))),
                        'command': 'nft list chain %s %s %s' % (family, name, chain)})
    return _number_keys(drops)


# ---------------------------------------------------------------------------- judging


def snapshot_drops(snap, packet):
    """All drop rules on the packet's path in one snapshot, iptables first, then nftables tables."""
    drops = []
    if snap.get('iptables_save'):
        drops.extend(iptables_drops(parse_iptables_save(snap['iptables_save']), packet,
                                    snap.get('iptables_backend')))
    if snap.get('nft_ruleset'):
        # iptables-nft keeps its tables in nftables too: count them once, from iptables-save.
        drops.extend(nft_drops(parse_nft_json(snap['nft_ruleset']), packet,
                               skip_iptables_tables=bool(snap.get('iptables_save'))))
    return drops


def _public(drop, before):
    result = dict((k, v) for k, v in drop.items() if k not in ('key', 'packets'))
    result['packets_before'] = before
    result['packets_after'] = drop['packets']
    return result


def find_drop(before, after, src_bridge, dst_bridge, dst_ip=None):
    """The rule(s) that dropped a probe from src_bridge to dst_bridge between two snapshots.

    Shape in the module docstring. A rule is 'matched' when it is on the packet's path,
    drops or rejects, and its packet counter went up between the snapshots; when none
    did, 'candidates' lists the drop rules on the path so an explanation can say honestly
    that no Docker rule counted the probe (another firewall in front, or no packet sent).
    """
    packet = {'in': src_bridge, 'out': dst_bridge, 'src': None, 'dst': dst_ip}
    errors = ['%s: %s' % (name, message) for snap in (before, after)
              for name, message in sorted((snap or {}).get('errors', {}).items())]
    counts = dict((d['key'], d['packets']) for d in snapshot_drops(before or {}, packet))
    matched = []
    candidates = []
    for drop in snapshot_drops(after or {}, packet):
        earlier = counts.get(drop['key'], 0 if before else None)
        if earlier is not None and drop['packets'] > earlier:
            matched.append(_public(drop, earlier))
        else:
            candidates.append(_public(drop, earlier if earlier is not None else drop['packets']))
    return {'matched': matched, 'candidates': [] if matched else candidates,
            'drop': matched[0] if matched else None, 'errors': sorted(set(errors))}
