# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Table, 3-vs-1 ratio and a 100-VM extrapolation from fleet_bench.sh's results.

    python bench/fleet/summary.py RESULTS.jsonl --forks F [--strategy S] [--class-size 100]
               [--controller-cores 2] [--uplink-mbit 1000] [--mirror-mbit 100]

The 100-VM model (each bound alone; the class takes at least the largest):
- controller CPU: (fixed + per-VM controller CPU x class) / controller cores,
  fixed and per-VM from a least-squares line through the measured N;
- the controller's main process (ansible-playbook's strategy loop, one
  thread): its own fixed + per-VM CPU x class, on one core whatever the cores;
- per-VM work: the 1-VM wall time, paid ceil(class / forks) times, as at most
  `forks` VMs are worked on at once;
- network: class x archive MB over the controller's uplink, and class x apt MB
  over the link to the apt mirror (no shared apt cache).
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("--forks", type=int, required=True)
    parser.add_argument("--strategy", default="linear")
    parser.add_argument("--class-size", type=int, default=100)
    parser.add_argument("--controller-cores", type=int, default=2)
    parser.add_argument("--uplink-mbit", type=float, default=1000)
    parser.add_argument("--mirror-mbit", type=float, default=100)
    args = parser.parse_args()
    with open(args.results, encoding="utf-8") as results:
        runs = sorted((json.loads(line) for line in results if line.strip()), key=lambda r: r["n"])
    if not runs:
        raise SystemExit("summary: no results")
    cores = runs[0]["lab"]["machine_cores"]

    print()
    # "bench load": the controller's and the VMs' CPU over what the machine's
    # cores could give in the wall time; "other load": the rest of the
    # machine's busy CPU (other jobs, the lab's own containers) in cores.
    print("| VMs | lab.yml | verify.yml | total wall | vs 1 VM | controller CPU | per VM | main process "
          "| VM CPU per VM | bench load | other load |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    one = next((r for r in runs if r["n"] == 1), None)
    for r in runs:
        ratio = f"{r['wall'] / one['wall']:.2f}x" if one else "-"
        vm_cpu = r["vm_cpu"] or 0.0
        vm = "n/a" if r["vm_cpu"] is None else f"{vm_cpu / r['n']:.1f} s"
        ours = (r["controller_cpu"] + vm_cpu) / (r["wall"] * cores)
        other = max(r["machine_busy"] - r["controller_cpu"] - vm_cpu, 0.0) / r["wall"]
        print(f"| {r['n']} | {r['lab']['wall']:.1f} s | {r['verify']['wall']:.1f} s | {r['wall']:.1f} s | {ratio} "
              f"| {r['controller_cpu']:.1f} s | {r['controller_cpu'] / r['n']:.1f} s | {r['controller_main_cpu']:.1f} s | {vm} "
              f"| {ours:.0%} of {cores} cores | {other:.2f} cores |")
    three = next((r for r in runs if r["n"] == 3), None)
    if one and three:
        ratio = three["wall"] / one["wall"]
        print(f"\n3 VMs vs 1: {ratio:.2f}x the wall time (goal: at most 1.6x) -> "
              f"{'met' if ratio <= 1.6 else 'NOT met'}")

    fixed, per_vm = fit_line([(r["n"], r["controller_cpu"]) for r in runs])
    size = args.class_size
    bounds = {}
    main_fixed, main_per_vm = fit_line([(r["n"], r["controller_main_cpu"]) for r in runs])
    bounds[f"controller CPU on {args.controller_cores} cores"] = (fixed + per_vm * size) / args.controller_cores
    bounds["controller main process (one core)"] = main_fixed + main_per_vm * size
    if one:
        bounds[f"per-VM work in batches of forks={args.forks}"] = math.ceil(size / args.forks) * one["wall"]
    last = runs[-1]
    archive_mb = float(last["archive_mb"])
    bounds["archive over a {:.0f} Mbit/s uplink".format(args.uplink_mbit)] = size * archive_mb * 8 / args.uplink_mbit
    try:
        apt_mb = float(last["apt_mb"])
        bounds["apt downloads over {:.0f} Mbit/s to the mirror".format(args.mirror_mbit)] = (
            size * apt_mb * 8 / args.mirror_mbit)
    except ValueError:
        apt_mb = None
    print(f"\nExtrapolation to {size} VMs (forks={args.forks}, default strategy={args.strategy}, "
          f"controller with {args.controller_cores} cores):")
    print(f"  controller CPU = {fixed:.1f} s fixed + {per_vm:.2f} s per VM (fit over N = "
          f"{', '.join(str(r['n']) for r in runs)}), of which the main process {main_fixed:.1f} s + "
          f"{main_per_vm:.2f} s per VM; archive {archive_mb:.0f} MB, apt "
          f"{'?' if apt_mb is None else f'{apt_mb:.0f}'} MB per VM")
    for name, seconds in bounds.items():
        print(f"  {name:<48} {seconds / 60:6.1f} min")
    name, seconds = max(bounds.items(), key=lambda item: item[1])
    print(f"  => at least {seconds / 60:.1f} min, bound by {name}")


if __name__ == "__main__":
    main()
