# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the student did, recorded on the VM (challenge mode): the engine's events as they happen.

The chapter's curls run with `--rm` and its `ip a` containers exit at once: the end state cannot
show them, and the engine keeps only its recent events. The recorder (a service on the VM, run
as root) follows GET /events, inspects each container when it is created and started, reads
the host UID of its first process, keeps its output (the first MAX_OUTPUT characters, read
from an attach made at its create event, before it starts) and its exit code, and writes the runs to runs.json atomically.
Everything is bounded: runs, networks, strings, lists, output. `load_runs()` reads the file
back without trusting it (a root student can write anything there). The fields are those of
new_run() and new_network(); docs/challenge.md says where each comes from.
Standard library only: it runs on the VM's /usr/bin/python3.
"""

from __future__ import annotations

import argparse
import errno
import http.client
import json
import os
import signal
import sys
import threading
import time
import unicodedata
from urllib.parse import quote

from ansible_collections.microlab.docker_internals.plugins.module_utils import atomic_file, docker_api, procfs, service_supervisor
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import published
from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import LAB_LABEL, LAB_VALUE, PROBE_LABEL, PROBE_VALUE
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_time import is_time, text_seconds, time_text

VERSION = 1
MAX_RUNS = 200
MAX_NETWORKS = 50
MAX_TEXT = 256
UNPRINTABLE = ('Cc', 'Cf', 'Cs', 'Co', 'Cn', 'Zl', 'Zp')
"""Unicode categories no recorded value keeps (as plugin_utils/vm_data.py on the controller)."""
MAX_ITEMS = 32
MAX_OUTPUT = 4096
MAX_FILE_BYTES = 4 * 1024 * 1024
"""Far above a full record (200 runs of at most ~20 KiB each when every value is at its bound is
4 MiB; real ones are a few hundred bytes plus their output)."""
MAX_EVENT_BYTES = 64 * 1024
MAX_CAPTURES = 32
"""Containers whose output is followed at once (created or running); more keep no output."""
EVENTS = ('create', 'start', 'die', 'destroy', 'connect')
FLUSH_DELAY = 0.2
RETRY_FIRST = 0.25
RETRY_MAX = 2
"""Seconds between attempts while the engine is away: output of containers run before the
recorder is back is lost (their events are not: the engine replays them), so it keeps trying
(a connect to a missing socket costs nothing)."""
WRITE_RETRY = 30
DEFAULT_PATH = '/var/lib/microlab-recorder/runs.json'
DEFAULT_PIDFILE = '/run/microlab-lab-recorder.pid'
DEFAULT_LOGFILE = '/var/log/microlab-lab-recorder.log'


# Time -----------------------------------------------------------------------------------------

# Bounded values -------------------------------------------------------------------------------

def bounded_text(value, limit=MAX_TEXT, keep=''):
    """A str cut to `limit` characters, each control, format (bidirectional) or unassigned character but those
    in `keep` replaced by '?', so that no recorded value can move a terminal's cursor or reorder a line; '' for
    anything that is not a str."""
    if not isinstance(value, str):
        return ''
    return ''.join(char if char in keep or unicodedata.category(char) not in UNPRINTABLE else '?'
                   for char in value[:limit])


def bounded_list(value):
    """A list of at most MAX_ITEMS strings of at most MAX_TEXT characters; [] for anything else."""
    if not isinstance(value, list):
        return []
    return [bounded_text(item) for item in value[:MAX_ITEMS] if isinstance(item, str)]


def bounded_int(value, low=0, high=2 ** 32):
    """An int within [low, high] (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return None
    return value


def bounded_time(value):
    """A well-formed time text, else None."""
    return value if is_time(value) else None


def _bool(value):
    return value if isinstance(value, bool) else False


# The record and its validation ----------------------------------------------------------------

def empty_record():
    """A record with no run and no network."""
    return {'version': VERSION, 'recorder_started_at': None, 'updated_at': None, 'since': None,
            'runs': [], 'networks': []}


def new_run(container_id):
    """A run with every field at its default."""
    return {'id': container_id, 'name': '', 'image': '', 'image_id': '', 'user': '', 'cmd': [], 'entrypoint': [],
            'network_mode': '', 'networks': {}, 'ports': [], 'auto_remove': False, 'labels_lab': False,
            'probe': False, 'created_at': None, 'started_at': None, 'ended_at': None, 'exit_code': None,
            'host_uids': [], 'pid': None, 'output': '', 'output_truncated': False}


def new_network(network_id):
    """A network with every field at its default."""
    return {'id': network_id, 'name': '', 'driver': '', 'internal': False, 'subnets': [], 'labels_lab': False,
            'created_at': None, 'removed_at': None}


def _valid_attachment(value):
    value = value if isinstance(value, dict) else {}
    return {'ip': bounded_text(value.get('ip'), 64), 'prefix': bounded_int(value.get('prefix'), 0, 128),
            'gateway': bounded_text(value.get('gateway'), 64)}


def valid_run(raw):
    """The run in `raw` with the schema's types and bounds, or None when it has no id."""
    if not isinstance(raw, dict) or not bounded_text(raw.get('id')):
        return None
    run = new_run(bounded_text(raw['id']))
    for key in ('name', 'image', 'image_id', 'user', 'network_mode'):
        run[key] = bounded_text(raw.get(key))
    for key in ('cmd', 'entrypoint', 'ports'):
        run[key] = bounded_list(raw.get(key))
    for key in ('auto_remove', 'labels_lab', 'probe', 'output_truncated'):
        run[key] = _bool(raw.get(key))
    for key in ('created_at', 'started_at', 'ended_at'):
        run[key] = bounded_time(raw.get(key))
    run['exit_code'] = bounded_int(raw.get('exit_code'), 0, 255)
    run['pid'] = bounded_int(raw.get('pid'), 1, 2 ** 22)
    uids = raw.get('host_uids') if isinstance(raw.get('host_uids'), list) else []
    run['host_uids'] = [uid for uid in (bounded_int(u) for u in uids[:MAX_ITEMS]) if uid is not None]
    networks = raw.get('networks') if isinstance(raw.get('networks'), dict) else {}
    run['networks'] = dict((bounded_text(name), _valid_attachment(value))
                           for name, value in list(networks.items())[:MAX_ITEMS] if bounded_text(name))
    output = raw.get('output')
    run['output'] = bounded_text(output, MAX_OUTPUT, keep='\n\r\t')
    run['output_truncated'] = run['output_truncated'] or (isinstance(output, str) and len(output) > MAX_OUTPUT)
    return run


def valid_network(raw):
    """The network in `raw` with the schema's types and bounds, or None when it has no id."""
    if not isinstance(raw, dict) or not bounded_text(raw.get('id')):
        return None
    network = new_network(bounded_text(raw['id']))
    network['name'] = bounded_text(raw.get('name'))
    network['driver'] = bounded_text(raw.get('driver'))
    network['internal'] = _bool(raw.get('internal'))
    network['labels_lab'] = _bool(raw.get('labels_lab'))
    network['subnets'] = bounded_list(raw.get('subnets'))
    network['created_at'] = bounded_time(raw.get('created_at'))
    network['removed_at'] = bounded_time(raw.get('removed_at'))
    return network


def valid_record(raw):
    """The record in `raw` with the schema's types and bounds: unknown keys dropped, lists cut to
    their newest MAX_RUNS and MAX_NETWORKS entries, entries that do not validate dropped."""
    record = empty_record()
    if not isinstance(raw, dict):
        return record
    record['recorder_started_at'] = bounded_time(raw.get('recorder_started_at'))
    record['updated_at'] = bounded_time(raw.get('updated_at'))
    record['since'] = bounded_int(raw.get('since'), 0, 2 ** 40)
    for key, limit, valid in (('runs', MAX_RUNS, valid_run), ('networks', MAX_NETWORKS, valid_network)):
        entries = raw.get(key) if isinstance(raw.get(key), list) else []
        checked = [entry for entry in (valid(one) for one in entries[-limit:]) if entry is not None]
        record[key] = list(dict((entry['id'], entry) for entry in checked).values())
    return record


def load_runs(path):
    """The record in the file at `path`, validated and bounded; never raises on bad content.

    Read through procfs.safe_read (a link, a FIFO or a file over MAX_FILE_BYTES is refused).
    An unreadable file gives an empty record with an 'error' key (a short reason).
    """
    try:
        raw = json.loads(procfs.safe_read(path, limit=MAX_FILE_BYTES).decode('utf-8'))
    except FileNotFoundError:
        record = empty_record()
        record['error'] = 'missing'
        return record
    except (OSError, ValueError, RecursionError) as exc:
        record = empty_record()
        record['error'] = bounded_text('%s: %s' % (type(exc).__name__, exc))
        return record
    return valid_record(raw)


def runs_since(record, since_text):
    """The runs of `record` created at or after `since_text` (all of them when it is None or empty)."""
    since = text_seconds(since_text) if since_text else None
    return [run for run in record.get('runs', [])
            if since is None or (run.get('created_at') and text_seconds(run['created_at']) >= since)]


def save_record(path, record):
    """Write the record atomically (atomic_file: a new file beside it, then rename), root:root 0644."""
    os.makedirs(os.path.dirname(path) or '.', mode=0o755, exist_ok=True)
    atomic_file.write(path, json.dumps(record, separators=(',', ':'), sort_keys=True), 0o644)


# What the engine says about a container or a network -------------------------------------------

def _labels_flags(labels):
    labels = labels if isinstance(labels, dict) else {}
    return labels.get(LAB_LABEL) == LAB_VALUE, labels.get(PROBE_LABEL) == PROBE_VALUE


def run_from_create(run, inspected):
    """Fill what a container is made with: image, user, command, network mode, ports, --rm, labels."""
    config = inspected.get('Config') or {}
    host = inspected.get('HostConfig') or {}
    run['name'] = bounded_text((inspected.get('Name') or '').lstrip('/')) or run['name']
    run['image'] = bounded_text(config.get('Image')) or run['image']
    run['image_id'] = bounded_text(inspected.get('Image'))
    run['user'] = bounded_text(config.get('User'))
    run['cmd'] = bounded_list(config.get('Cmd'))
    run['entrypoint'] = bounded_list(config.get('Entrypoint'))
    run['network_mode'] = bounded_text(host.get('NetworkMode'))
    run['ports'] = published(host.get('PortBindings'))[:MAX_ITEMS]
    run['auto_remove'] = host.get('AutoRemove') is True
    run['labels_lab'], run['probe'] = _labels_flags(config.get('Labels'))


def run_from_start(run, inspected):
    """Fill what a started container has: its first process, its networks and addresses, its ports."""
    state = inspected.get('State') or {}
    settings = inspected.get('NetworkSettings') or {}
    run['pid'] = bounded_int(state.get('Pid'), 1, 2 ** 22)
    networks = settings.get('Networks') if isinstance(settings.get('Networks'), dict) else {}
    for name, value in list(networks.items())[:MAX_ITEMS]:
        if not isinstance(value, dict) or not bounded_text(name):
            continue
        attachment = {'ip': bounded_text(value.get('IPAddress'), 64),
                      'prefix': bounded_int(value.get('IPPrefixLen'), 0, 128),
                      'gateway': bounded_text(value.get('Gateway'), 64)}
        if attachment['ip'] or bounded_text(name) not in run['networks']:
            run['networks'][bounded_text(name)] = attachment
    run['ports'] = sorted(set(run['ports']) | set(published(settings.get('Ports'))))[:MAX_ITEMS]


def host_uids(pid, proc='/proc'):
    """Real UIDs on the host of the process `pid` (its status' Uid line), [] when it is gone."""
    if not pid:
        return []
    try:
        status = procfs.parse_status(procfs.read_text('%s/%d/status' % (proc, pid), limit=64 * 1024))
    except (OSError, ValueError):
        return []
    return status['uid'][:1]


def network_from_inspect(network, inspected):
    """Fill a network's driver, internal flag, subnets and lab label."""
    ipam = inspected.get('IPAM') or {}
    configs = ipam.get('Config') if isinstance(ipam.get('Config'), list) else []
    network['name'] = bounded_text(inspected.get('Name')) or network['name']
    network['driver'] = bounded_text(inspected.get('Driver')) or network['driver']
    network['internal'] = inspected.get('Internal') is True
    network['subnets'] = [bounded_text(c.get('Subnet'), 64) for c in configs[:MAX_ITEMS]
                          if isinstance(c, dict) and isinstance(c.get('Subnet'), str)]
    network['labels_lab'] = _labels_flags(inspected.get('Labels'))[0]


def read_output(chunks, limit=MAX_OUTPUT, on_update=None):
    """(text, truncated) of the first `limit` characters of a stream of output bytes.

    Stops reading as soon as it has more than `limit` characters; `on_update(text)` is called
    with what it has so far after each chunk (the run shows output while the container runs).
    """
    kept = bytearray()
    for chunk in chunks:
        kept += chunk[:limit * 4 + 1 - len(kept)]
        text = bytes(kept).decode('utf-8', 'replace')
        if len(text) > limit or len(kept) > limit * 4:
            return text[:limit], True
        if on_update is not None:
            on_update(text)
    return bytes(kept).decode('utf-8', 'replace')[:limit], False


# The recorder ---------------------------------------------------------------------------------

def remember(table, entry, limit):
    """Add entry to table (by its id, insertion-ordered), dropping the oldest beyond limit."""
    table[entry['id']] = entry
    while len(table) > limit:
        del table[next(iter(table))]
    return entry


class Recorder(object):
    """The record in memory, updated from events, written to `path` shortly after each change."""

    def __init__(self, path, api, proc='/proc', now=time.time):
        self.path = path
        self.api = api
        self.proc = proc
        self.now = now
        self.lock = threading.Lock()
        self.dirty = threading.Event()
        self.captures = {}
        loaded = load_runs(path)
        loaded.pop('error', None)
        self.record = loaded
        self.runs = dict((run['id'], run) for run in loaded['runs'])
        self.networks = dict((network['id'], network) for network in loaded['networks'])
        started = int(now())
        if not self.record['recorder_started_at']:
            self.record['recorder_started_at'] = time_text(started)
        since = self.record['since']
        self.record['since'] = started if since is None or since > started else since

    # Events ---------------------------------------------------------------------------------

    def events_path(self):
        """GET /events from the last event handled on, for the events the runs need."""
        filters = json.dumps({'type': ['container', 'network'], 'event': list(EVENTS)}, separators=(',', ':'))
        return '/events?since=%s&filters=%s' % (self.record['since'], quote(filters, safe=''))

    def handle(self, event):
        """Update the record from one decoded event; odd events change nothing."""
        if not isinstance(event, dict):
            return
        actor = event.get('Actor') if isinstance(event.get('Actor'), dict) else {}
        attributes = actor.get('Attributes') if isinstance(actor.get('Attributes'), dict) else {}
        object_id = actor.get('ID')
        when = bounded_int(event.get('time'), 0, 2 ** 40)
        if not isinstance(object_id, str) or not object_id or when is None:
            return
        handler = getattr(self, '_%s_%s' % (event.get('Type'), event.get('Action')), None) \
            if event.get('Type') in ('container', 'network') and event.get('Action') in EVENTS else None
        if event.get('Type') == 'container' and _labels_flags(attributes)[1]:
            handler = None  # the lab's probes: never the student's work, they would crowd out the student's runs
        if handler is not None:
            handler(bounded_text(object_id), attributes, when)
        with self.lock:
            self.record['since'] = max(self.record['since'] or 0, when)
        self.dirty.set()

    def _inspect(self, path, api=None):
        """The engine's inspect answer at `path`, None when the object is gone."""
        status, data = (api or self.api).get(path)
        return data if status == 200 and isinstance(data, dict) else None

    def _run(self, container_id, attributes, when):
        """The run of a container, made from the event's attributes if it is new (oldest dropped)."""
        with self.lock:
            run = self.runs.get(container_id)
            if run is None:
                run = remember(self.runs, new_run(container_id), MAX_RUNS)
                run['name'] = bounded_text(attributes.get('name'))
                run['image'] = bounded_text(attributes.get('image'))
                run['labels_lab'], run['probe'] = _labels_flags(attributes)
                run['created_at'] = time_text(when)
            return run

    def _container_create(self, container_id, attributes, when):
        run = self._run(container_id, attributes, when)
        inspected = self._inspect('/containers/%s/json' % quote(container_id, safe=''))
        if inspected is not None:
            with self.lock:
                run_from_create(run, inspected)
                run['_tty'] = (inspected.get('Config') or {}).get('Tty') is True  # in memory only
        self.capture(container_id, attach=True)

    def _container_start(self, container_id, attributes, when):
        run = self._run(container_id, attributes, when)
        self.capture(container_id)
        inspected = self._inspect('/containers/%s/json' % quote(container_id, safe=''))
        with self.lock:
            run['started_at'] = time_text(when)
            run['ended_at'] = None
            run['exit_code'] = None
            if inspected is not None:
                if not run['cmd'] and not run['entrypoint']:
                    run_from_create(run, inspected)
                run_from_start(run, inspected)
        uids = host_uids(run['pid'], self.proc)
        with self.lock:
            run['host_uids'] = uids

    def _container_die(self, container_id, attributes, when):
        run = self._run(container_id, attributes, when)
        try:
            code = int(attributes.get('exitCode'))
        except (TypeError, ValueError):
            code = None
        with self.lock:
            run['ended_at'] = time_text(when)
            run['exit_code'] = bounded_int(code, 0, 255)

    def _container_destroy(self, container_id, attributes, when):
        with self.lock:
            run = self.runs.get(container_id)
            if run is not None and run['started_at'] and not run['ended_at']:
                run['ended_at'] = time_text(when)
            stream = self.captures.get(container_id)
        if stream is not None:
            stream.interrupt()  # a container removed without ever starting: its attach waits no more

    def _network_create(self, network_id, attributes, when):
        with self.lock:
            network = self.networks.get(network_id)
            if network is None:
                network = remember(self.networks, new_network(network_id), MAX_NETWORKS)
                network['name'] = bounded_text(attributes.get('name'))
                network['driver'] = bounded_text(attributes.get('type'))
                network['created_at'] = time_text(when)
        inspected = self._inspect('/networks/%s' % quote(network_id, safe=''))
        if inspected is not None:
            with self.lock:
                network_from_inspect(network, inspected)

    def _network_destroy(self, network_id, attributes, when):
        with self.lock:
            network = self.networks.get(network_id)
            if network is not None:
                network['removed_at'] = time_text(when)

    def _network_connect(self, network_id, attributes, when):
        name = bounded_text(attributes.get('name'))
        container_id = bounded_text(attributes.get('container'))
        with self.lock:
            run = self.runs.get(container_id)
            if run is not None and name and (name in run['networks'] or len(run['networks']) < MAX_ITEMS):
                run['networks'].setdefault(name, {'ip': '', 'prefix': None, 'gateway': ''})

    # Output ---------------------------------------------------------------------------------

    def capture(self, container_id, attach=False):
        """Read a container's output in a thread of its own (at most MAX_CAPTURES at once).

        Attached at its create event, before it starts (as `docker run` does): the output comes
        as it is written, however soon the container ends and `--rm` removes it (its logs are
        gone a few tens of milliseconds after it dies). A container created before the recorder
        ran is followed through its logs at its start instead.
        """
        with self.lock:
            run = self.runs.get(container_id) or {}
            if container_id in self.captures or len(self.captures) >= MAX_CAPTURES or run.get('_attached'):
                # An attach that read the whole output needs no second read from the logs at start (a short
                # container's attach can end before its start is seen); a failed one leaves the logs to try.
                return
            self.captures[container_id] = None
        thread = threading.Thread(target=self._read_output, args=(container_id, attach),
                                  name='output-' + container_id[:12])
        thread.daemon = True
        thread.start()

    def _read_output(self, container_id, attach):
        """Until the container stops or MAX_OUTPUT characters came; connections of its own."""
        api = docker_api.DockerAPI(self.api.docker_host, timeout=30)
        stream = None
        path = '/containers/%s' % quote(container_id, safe='')
        try:
            if attach:
                stream = api.open_stream(path + '/attach?logs=1&stream=1&stdout=1&stderr=1', method='POST')
            else:
                stream = api.open_stream(path + '/logs?follow=1&stdout=1&stderr=1')
            with self.lock:
                self.captures[container_id] = stream
            if stream.status != 200:
                return
            # The stream is raw with a TTY, framed without: as the create event's inspect said,
            # else ask the engine (a container created before the recorder ran).
            with self.lock:
                tty = (self.runs.get(container_id) or {}).get('_tty')
            if tty is None:
                tty = ((self._inspect(path + '/json', api) or {}).get('Config') or {}).get('Tty') is True
            text, truncated = read_output(docker_api.stream_chunks(stream.response, tty),
                                          on_update=lambda so_far: self._set_output(container_id, so_far, False))
            self._set_output(container_id, text, truncated)
            with self.lock:
                if attach and container_id in self.runs:
                    self.runs[container_id]['_attached'] = True  # in memory only
        except (OSError, http.client.HTTPException, docker_api.DockerAPIError, ValueError):
            pass  # the engine went away or the container is gone: keep what came
        finally:
            with self.lock:
                self.captures.pop(container_id, None)
            if stream is not None:
                stream.close()
            api.close()

    def _set_output(self, container_id, text, truncated):
        with self.lock:
            run = self.runs.get(container_id)
            if run is not None and (text or truncated):
                run['output'] = text
                run['output_truncated'] = truncated
        self.dirty.set()

    # Writing ----------------------------------------------------------------------------------

    def snapshot(self):
        """The record as it is now (a copy, safe to serialise while events go on)."""
        with self.lock:
            record = dict(self.record)
            record['updated_at'] = time_text(self.now())
            record['runs'] = [valid_run(run) for run in self.runs.values()]
            record['networks'] = [valid_network(network) for network in self.networks.values()]
        return record

    def save(self):
        self.dirty.clear()
        save_record(self.path, self.snapshot())

    def flush_forever(self, stop):
        """Write the record shortly after each change (changes within FLUSH_DELAY go together)."""
        while not stop.is_set():
            if self.dirty.wait(1):
                time.sleep(FLUSH_DELAY)
                try:
                    self.save()
                except OSError as exc:
                    log('cannot write %s: %s' % (self.path, exc))
                    stop.wait(WRITE_RETRY)


def log(message):
    sys.stderr.write('%s microlab-lab-recorder: %s\n' % (time_text(time.time()), message))
    sys.stderr.flush()


def follow_events(recorder, api):
    """Handle the engine's events until the stream ends."""
    stream = api.open_stream(recorder.events_path())
    try:
        if stream.status != 200:
            raise docker_api.DockerAPIError('the engine answered %s to /events' % stream.status)
        while True:
            line = stream.response.readline(MAX_EVENT_BYTES)
            if not line:
                return
            if not line.endswith(b'\n'):
                # An event over MAX_EVENT_BYTES: skip the rest of its line.
                while line and not line.endswith(b'\n'):
                    line = stream.response.readline(MAX_EVENT_BYTES)
                continue
            try:
                event = json.loads(line.decode('utf-8'))
            except (ValueError, RecursionError):
                continue
            try:
                recorder.handle(event)
            except (docker_api.DockerAPIError, OSError, http.client.HTTPException):
                raise
            except Exception as exc:  # pylint: disable=broad-except  # an odd event never stops the recorder
                log('ignored an event (%s: %s)' % (type(exc).__name__, bounded_text(str(exc))))
    finally:
        stream.close()


def run_recorder(path, docker_host=docker_api.DEFAULT_DOCKER_HOST, stop=None, proc='/proc'):
    """Record the engine's events into `path` until `stop` (a threading.Event) is set.

    Reconnects while the engine is away (RETRY_FIRST doubling to RETRY_MAX seconds; one log line
    per outage) and resumes from the last event handled, so a restart of the engine or of the
    recorder loses no event the engine still keeps.
    """
    stop = stop or threading.Event()
    api = docker_api.DockerAPI(docker_host, timeout=30)
    recorder = Recorder(path, api, proc=proc)
    recorder.save()
    flusher = threading.Thread(target=recorder.flush_forever, args=(stop,), name='flush')
    flusher.daemon = True
    flusher.start()
    delay, away = RETRY_FIRST, False
    try:
        while not stop.is_set():
            try:
                follow_events(recorder, api)
                delay, away = RETRY_FIRST, False  # it was connected: the engine stopped, or restarts
            except (docker_api.DockerAPIError, OSError, http.client.HTTPException) as exc:
                if not away:
                    log('engine not reachable (%s); retrying every %ds at most' % (bounded_text(str(exc)), RETRY_MAX))
                away = True
            api.close()
            stop.wait(delay)
            delay = min(delay * 2, RETRY_MAX)
    finally:
        recorder.save()
    return recorder


def main(argv=None, runs=DEFAULT_PATH, command=None, pidfile=DEFAULT_PIDFILE, logfile=DEFAULT_LOGFILE):
    """microlab-lab-recorder [run|start|stop|restart|status]: `run` records until SIGTERM (systemd's
    ExecStart); the others keep it running under the collection's supervisor where there is no
    systemd (service_supervisor.py)."""
    parser = argparse.ArgumentParser(prog='microlab-lab-recorder', description=__doc__.splitlines()[0])
    parser.add_argument('action', nargs='?', default='run',
                        choices=('run', 'start', 'stop', 'restart', 'status', 'supervise'))
    parser.add_argument('--runs', default=runs, help='the record to write (default %(default)s)')
    parser.add_argument('--docker-host', default=docker_api.DEFAULT_DOCKER_HOST)
    args = parser.parse_args(argv)
    if args.action != 'run':
        supervisor = service_supervisor.Supervisor(command or os.path.abspath(sys.argv[0]), pidfile, logfile)
        if args.action == 'supervise':
            return supervisor.supervise()
        return service_supervisor.control(supervisor, args.action)

    def stop_now(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop_now)
    threading.stack_size(256 * 1024)  # the log-following threads only wait on a socket
    try:
        run_recorder(args.runs, args.docker_host)
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            log('cannot write %s: %s' % (args.runs, exc))
            return 1
        raise
    return 0
