# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Table, 3-vs-1 ratio and a 100- and 300-VM model from fleet_bench.sh's results.

    python bench/fleet/summary.py RESULTS.jsonl [RESULTS-class.jsonl] --forks F [--strategy S]
               [--class-size 100 --class-size 300] [--controller-cores 2] [--uplink-mbit 1000]
               [--mirror-mbit 100] [--lan-mbit 1000]

Each file is one mode: without class services (results.jsonl) or with them
(results-class.jsonl, whose lines have the class_services phase). Per mode, a
table with the bytes fetched from outside the class ("outside MB") and, with
class services, the time of the class services phase (once, before the class;
not in the total or the model).

The model, per mode and class size (each bound alone; the class takes at least
the largest):
- controller CPU: (fixed + per-VM controller CPU x class) / controller cores,
  fixed and per-VM from a least-squares line through the measured N;
- the controller's main process (ansible-playbook's strategy loop, one
  thread): its own fixed + per-VM CPU x class, on one core whatever the cores;
- per-VM work: the 1-VM wall time, paid ceil(class / forks) times, as at most
  `forks` VMs are worked on at once;
- images: without class services, class x archive MB over the controller's
  uplink; with them, class x archive MB from the class registry over the
  class LAN (the teacher's machine's link);
- apt: without class services, class x apt MB over the link to the apt mirror
  (each VM downloads its own); with them, what came from outside the class
  once (outside MB: apt-cacher-ng's fetches and the teacher's own packages)
  over the mirror link, plus class x apt MB from apt-cacher-ng over the LAN.

And per mode and class size, what the controller needs for the class to take
at most --target-min (default 10): how many runs side by side (AWX job
slices) and how many cores; the network bounds move with neither.
"""
import argparse
import json
import math


def fit_line(points):
    """Least squares y = a + b x; with one point, a = 0."""
    if len(points) == 1:
        x, y = points[0]
        return 0.0, y / x
    n = len(points)
    xs = [x for x, y in points]
    mx = sum(xs) / n
    my = sum(y for x, y in points) / n
    b = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x in xs)
    return my - b * mx, b


def number(value):
    """A float from a result's field (a number, a string such as "110" or "?", or missing), or None."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def show(value, unit=""):
    return "?" if value is None else f"{value:.0f}{unit}"


def table(runs, class_mode):
    cores = runs[0]["lab"]["machine_cores"]
    # "bench load": the controller's and the VMs' CPU (the teacher's VM
    # included) over what the machine's cores could give in the wall time;
    # "other load": the rest of the machine's busy CPU (other jobs, the lab's
    # own containers) in cores.
    services = "class services (once) | " if class_mode else ""
    print(f"| VMs | {services}lab.yml | verify.yml | total wall | vs 1 VM | controller CPU | per VM | main process "
          "| VM CPU per VM | outside MB | bench load | other load |")
    print("|" + " ---: |" * (13 if class_mode else 12))
    one = next((r for r in runs if r["n"] == 1), None)
    for r in runs:
        ratio = f"{r['wall'] / one['wall']:.2f}x" if one else "-"
        vm_cpu = r["vm_cpu"] or 0.0
        vm = "n/a" if r["vm_cpu"] is None else f"{vm_cpu / r['n']:.1f} s"
        ours_cpu = r["controller_cpu"] + vm_cpu + (r.get("teacher_cpu") or 0.0)
        ours = ours_cpu / (r["wall"] * cores)
        other = max(r["machine_busy"] - ours_cpu, 0.0) / r["wall"]
        services = f"{r['class_services']['wall']:.1f} s | " if class_mode else ""
        print(f"| {r['n']} | {services}{r['lab']['wall']:.1f} s | {r['verify']['wall']:.1f} s | {r['wall']:.1f} s "
              f"| {ratio} | {r['controller_cpu']:.1f} s | {r['controller_cpu'] / r['n']:.1f} s "
              f"| {r['controller_main_cpu']:.1f} s | {vm} | {show(number(r.get('outside_mb')))} "
              f"| {ours:.0%} of {cores} cores | {other:.2f} cores |")
    three = next((r for r in runs if r["n"] == 3), None)
    if one and three:
        ratio = three["wall"] / one["wall"]
        print(f"\n3 VMs vs 1: {ratio:.2f}x the wall time (goal: at most 1.6x) -> "
              f"{'met' if ratio <= 1.6 else 'NOT met'}")


def model(runs, class_mode, args):
    fixed, per_vm = fit_line([(r["n"], r["controller_cpu"]) for r in runs])
    main_fixed, main_per_vm = fit_line([(r["n"], r["controller_main_cpu"]) for r in runs])
    one = next((r for r in runs if r["n"] == 1), None)
    last = runs[-1]
    archive_mb, apt_mb, outside_mb = (number(last.get(key)) for key in ("archive_mb", "apt_mb", "outside_mb"))
    mirror, uplink, lan = args.mirror_mbit, args.uplink_mbit, args.lan_mbit
    print(f"\nModel {'with' if class_mode else 'without'} class services (forks={args.forks}, default strategy="
          f"{args.strategy}, controller with {args.controller_cores} cores):")
    print(f"  controller CPU = {fixed:.1f} s fixed + {per_vm:.2f} s per VM (fit over N = "
          f"{', '.join(str(r['n']) for r in runs)}), of which the main process {main_fixed:.1f} s + "
          f"{main_per_vm:.2f} s per VM; archive {show(archive_mb)} MB, apt {show(apt_mb)} MB per VM"
          + (f", {show(outside_mb)} MB from outside the class once" if class_mode else ""))
    if class_mode:
        print(f"  class services on the teacher's VM: {last['class_services']['wall']:.1f} s once, before the class "
              "(not in the bounds)")
    for size in args.class_size:
        bounds = {
            f"controller CPU on {args.controller_cores} cores": (fixed + per_vm * size) / args.controller_cores,
            "controller main process (one core)": main_fixed + main_per_vm * size,
        }
        if one:
            bounds[f"per-VM work in batches of forks={args.forks}"] = math.ceil(size / args.forks) * one["wall"]
        if archive_mb is not None and class_mode:
            bounds[f"images from the class registry over a {lan:.0f} Mbit/s LAN"] = size * archive_mb * 8 / lan
        elif archive_mb is not None:
            bounds[f"archive over a {uplink:.0f} Mbit/s uplink"] = size * archive_mb * 8 / uplink
        if class_mode and apt_mb is not None and outside_mb is not None:
            bounds[f"apt once over {mirror:.0f} Mbit/s + per VM over {lan:.0f} Mbit/s"] = (
                outside_mb * 8 / mirror + size * apt_mb * 8 / lan)
        elif apt_mb is not None and not class_mode:
            bounds[f"apt downloads over {mirror:.0f} Mbit/s to the mirror"] = size * apt_mb * 8 / mirror
        print(f"  {size} VMs:")
        for name, seconds in bounds.items():
            print(f"    {name:<56} {seconds / 60:6.1f} min")
        name, seconds = max(bounds.items(), key=lambda item: item[1])
        print(f"    => at least {seconds / 60:.1f} min, bound by {name}")
        print(f"    {within_target(size, args, (fixed, per_vm), (main_fixed, main_per_vm), one, bounds)}")


def within_target(size, args, cpu, main_cpu, one, bounds):
    """What the controller needs for the class to fit in --target-min: k runs side by side and c cores.

    k runs (AWX job slicing, or k ansible-playbook processes over parts of the roster) each have
    their own main process, so its bound is main fixed + main per VM x size / k; each run pays the
    fixed CPU, so the CPU bound is (k x fixed + per VM x size) / c. The network bounds move with
    neither: when one of them is over the target, the answer says so.
    """
    target = args.target_min * 60
    (fixed, per_vm), (main_fixed, main_per_vm) = cpu, main_cpu
    if main_fixed >= target:
        return f"no number of runs brings the main process under {args.target_min:g} min"
    runs = max(1, math.ceil(main_per_vm * size / (target - main_fixed)))
    if one:
        while math.ceil(size / (args.forks * runs)) * one["wall"] > target and runs < size:
            runs += 1
    cores = max(1, math.ceil((runs * fixed + per_vm * size) / target))
    network = [name for name, seconds in bounds.items() if ("Mbit" in name and seconds > target)]
    if network:
        return f"not within {args.target_min:g} min whatever the controller: {', '.join(network)}"
    return f"within {args.target_min:g} min: {runs} run(s) side by side (job slices) on a controller with {cores} cores"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+", help="results.jsonl and/or results-class.jsonl")
    parser.add_argument("--forks", type=int, required=True)
    parser.add_argument("--strategy", default="linear")
    parser.add_argument("--class-size", type=int, action="append", help="VMs in the modelled class (default: 100, 300)")
    parser.add_argument("--controller-cores", type=int, default=2)
    parser.add_argument("--uplink-mbit", type=float, default=1000, help="the controller's uplink")
    parser.add_argument("--mirror-mbit", type=float, default=100, help="the class's link to the apt mirror")
    parser.add_argument("--lan-mbit", type=float, default=1000, help="the class services machine's LAN link")
    parser.add_argument("--target-min", type=float, default=10, help="the time a class should take to get ready, in minutes")
    args = parser.parse_args()
    args.class_size = args.class_size or [100, 300]
    for path in args.results:
        with open(path, encoding="utf-8") as results:
            runs = sorted((json.loads(line) for line in results if line.strip()), key=lambda r: r["n"])
        if not runs:
            raise SystemExit(f"summary: no results in {path}")
        class_mode = "class_services" in runs[0]
        print(f"\n{'With' if class_mode else 'Without'} class services ({path}):\n")
        table(runs, class_mode)
        model(runs, class_mode, args)


if __name__ == "__main__":
    main()
