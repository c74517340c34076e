#!/usr/bin/env python3
"""Compares matrix-tui's connection sets with network-config-analyzer's, pair by pair.

For each configuration (pods, namespaces, policies, seed) it writes a cluster with
benchmarks/gen_cluster.py (no tiers, no CIDR rules, no host endpoints: the kinds nca understands
the way Calico does), runs

  nca --connectivity --ns_list DIR/00-namespaces.yaml --pod_list DIR/10-pods.yaml \
      --resource_list DIR -o txt_no_fw_rules -f nca.txt
  matrix-tui eval DIR --probe any --format json

parses both into a connection set per ordered pair of pods (protocol -> port ranges) and compares
them. Where they differ, both tools run again on a copy of the cluster in which Calico policies
that share an order get distinct orders in Calico's tie-break order (by name): Calico evaluates
the copy exactly like the original, nca applies equal-order policies in the order it reads their
files instead (benchmarks/NCA.md). Differences that the copy removes are counted as explained by
that; any other is printed as UNEXPLAINED. matrix-tui models TCP, UDP and SCTP, so nca's sets
are read on those three protocols (nca's other IP protocols are counted, not compared). Self
pairs are left out: nca does not print them and matrix-tui answers "all" for them.

  benchmarks/nca_setup.sh && scripts/build
  nice benchmarks/nca_compare.py                 # the default configurations
  benchmarks/nca_compare.py --sizes 40:5:20 --seeds 1-3 --show 20 --keep /tmp/nca-compare

Exit status: 0 when every pair is equal or explained, 1 when some difference is unexplained, 2
when a tool failed.
Python 3 standard library only (nca itself runs in .venv-nca/).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "benchmarks", "gen_cluster.py")
PROTOCOLS = ("TCP", "UDP", "SCTP")  # what matrix-tui models
FULL = ((1, 65535),)
# nca's connection dimensions, in the order nca prints them inside a cube.
NCA_DIMENSIONS = ("src_peers", "dst_peers", "protocols", "src_ports", "dst_ports", "methods", "hosts",
                  "paths", "icmp_type", "icmp_code")
SPLIT_CUBE = re.compile(r",(?=(?:%s):)" % "|".join(NCA_DIMENSIONS))
LINE = re.compile(r"^(?P<src>\S+) => (?P<dst>\S+) : (?P<conn>.+)$")

# Default configurations: pods:namespaces:policies, each with every seed.
DEFAULT_SIZES = ["20:3:10", "30:4:16", "40:5:20", "60:6:30", "50:8:60"]
DEFAULT_SEEDS = "1-6"


# --------------------------------------------------------------------------------------------
# Connection sets: a frozen mapping protocol -> tuple of disjoint, sorted, merged (lo, hi) ranges,
# for the protocols in PROTOCOLS only; an empty protocol is absent.


def normalize(ranges):
    merged = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return tuple(merged)


def subtract(ranges, cut):
    out = []
    for lo, hi in ranges:
        pieces = [(lo, hi)]
        for clo, chi in cut:
            nxt = []
            for plo, phi in pieces:
                if chi < plo or clo > phi:
                    nxt.append((plo, phi))
                    continue
                if plo < clo:
                    nxt.append((plo, clo - 1))
                if chi < phi:
                    nxt.append((chi + 1, phi))
            pieces = nxt
        out.extend(pieces)
    return normalize(out)


def make_set(mapping):
    return tuple(sorted((p, normalize(r)) for p, r in mapping.items() if normalize(r)))


ALL = make_set({p: FULL for p in PROTOCOLS})
NONE = make_set({})


def set_text(conns):
    if conns == ALL:
        return "all"
    if conns == NONE:
        return "none"
    return "; ".join(f"{p} " + ",".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in r) for p, r in conns)


# --------------------------------------------------------------------------------------------
# nca's txt_no_fw_rules output


class NcaFormatError(ValueError):
    pass


def nca_protocols(text):
    """(protocols among PROTOCOLS, whether another IP protocol is included) from nca's ProtocolSet text."""
    text = text.strip()
    if text == "*":
        return set(PROTOCOLS), True
    if text == "Empty":
        return set(), False
    negate = text.startswith("all but ")
    if negate:
        text = text[len("all but "):]
    names = {name.strip() for name in text.split(",") if name.strip()}
    if negate:  # nca writes the complement when it is shorter: it leaves out few of the 256
        return {p for p in PROTOCOLS if p not in names}, True
    return {p for p in PROTOCOLS if p in names}, bool(names - set(PROTOCOLS))


def nca_ports(text):
    ranges = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not m:
            raise NcaFormatError(f"port {part!r}")
        lo = int(m.group(1))
        ranges.append((lo, int(m.group(2) or lo)))
    return normalize(ranges)


def nca_cubes(text):
    """[(protocols, other_protocols, ports)] from '{protocols:TCP, UDP,dst_ports:80,90-95},{...}'."""
    cubes = []
    pos = 0
    while pos < len(text):
        if text[pos] == ",":
            pos += 1
            continue
        if text[pos] != "{":
            raise NcaFormatError(f"expected '{{' at {pos} in {text!r}")
        end = text.index("}", pos)
        inner = text[pos + 1:end]
        pos = end + 1
        protocols, other, ports = set(PROTOCOLS), True, FULL
        for item in SPLIT_CUBE.split(inner) if inner else []:
            key, _, value = item.partition(":")
            if key == "protocols":
                protocols, other = nca_protocols(value)
            elif key == "dst_ports":
                ports = nca_ports(value)
            else:
                # src ports, ICMP types, HTTP methods...: generated clusters have none of them.
                raise NcaFormatError(f"dimension {key!r} in {text!r}")
        cubes.append((protocols, other, ports))
    return cubes


def nca_set(text):
    """(connection set on PROTOCOLS, whether nca also allows some other IP protocol)."""
    text = text.strip()
    if text == "All connections":
        return ALL, True
    if text == "No connections":
        return NONE, False
    negate = text.startswith("All but ")
    cubes = nca_cubes(text[len("All but "):] if negate else text)
    mapping = {p: [] for p in PROTOCOLS}
    others = set()
    for protocols, other, ports in cubes:
        for p in protocols:
            mapping[p].extend(ports)
        others.add(other)
    if negate:
        mapping = {p: subtract(FULL, normalize(r)) for p, r in mapping.items()}
        # What is taken away leaves other protocols unless it holds every one of them.
        return make_set(mapping), not any(other and ports == FULL and protocols == set(PROTOCOLS)
                                          for protocols, other, ports in cubes)
    return make_set(mapping), True in others


def endpoint_id(name):
    """'ns/pod[Pod]' -> 'ns/pod'; None for IP blocks and anything that is not a pod."""
    m = re.fullmatch(r"([^/\[\]]+/[^/\[\]]+)\[Pod\]", name)
    return m.group(1) if m else None


def parse_nca(text):
    """{(src, dst): (set, other-protocols)} for the pod pairs nca prints; absent pairs allow nothing."""
    pairs = {}
    pods = set()
    for line in text.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        src, dst = endpoint_id(m.group("src")), endpoint_id(m.group("dst"))
        for pod in (src, dst):
            if pod:
                pods.add(pod)
        if not src or not dst:
            continue
        conns, other = nca_set(m.group("conn"))
        if (src, dst) in pairs:
            # nca can print a pair on several lines, one per piece of its connection set (e.g.
            # "All but {protocols:TCP}" and "{protocols:TCP,dst_ports:80}"): their union.
            old, old_other = pairs[(src, dst)]
            mapping = {p: list(r) for p, r in old}
            for p, r in conns:
                mapping.setdefault(p, []).extend(r)
            conns, other = make_set(mapping), other or old_other
        pairs[(src, dst)] = (conns, other)
    return pairs, pods


def self_test():
    """The parsers on the shapes nca 2.1.0 prints (and matrix-tui's JSON)."""
    tcp = lambda *r: make_set({"TCP": r})
    cases = {
        "All connections": (ALL, True),
        "No connections": (NONE, False),
        "{protocols:TCP}": (tcp((1, 65535)), False),
        "{protocols:TCP,dst_ports:80}": (tcp((80, 80)), False),
        "{protocols:TCP,dst_ports:1-79,81-9089,9091-65535}": (tcp((1, 79), (81, 9089), (9091, 65535)), False),
        "{protocols:TCP, UDP,dst_ports:53}": (make_set({"TCP": [(53, 53)], "UDP": [(53, 53)]}), False),
        "All but {protocols:TCP}": (make_set({"UDP": FULL, "SCTP": FULL}), True),
        "All but {protocols:TCP,dst_ports:80}": (make_set({"TCP": [(1, 79), (81, 65535)], "UDP": FULL,
                                                           "SCTP": FULL}), True),
        "{protocols:TCP,dst_ports:80},{protocols:UDP,dst_ports:53-54}": (
            make_set({"TCP": [(80, 80)], "UDP": [(53, 54)]}), False),
        "{protocols:all but TCP}": (make_set({"UDP": FULL, "SCTP": FULL}), True),
        "{protocols:ICMP}": (NONE, True),
    }
    for text, want in cases.items():
        got = nca_set(text)
        assert got == want, f"{text!r}: {got} != {want}"
    pairs, pods = parse_nca("0.0.0.0-255.255.255.255 => a/x[Pod] : All connections\n"
                            "a/x[Pod] => b/y[Pod] : All but {protocols:TCP}\n"
                            "a/x[Pod] => b/y[Pod] : {protocols:TCP,dst_ports:80}\n")
    assert pods == {"a/x", "b/y"}, pods
    assert pairs == {("a/x", "b/y"): (make_set({"TCP": [(80, 80)], "UDP": FULL, "SCTP": FULL}), True)}, pairs
    assert mt_set("all") == ALL and mt_set({}) == NONE
    assert mt_set({"TCP": ["80", "8080-8090"]}) == tcp((80, 80), (8080, 8090))
    print("nca_compare self-test: ok")


# --------------------------------------------------------------------------------------------
# matrix-tui's eval --probe any --format json


def mt_set(allowed):
    if allowed == "all":
        return ALL
    mapping = {}
    for protocol, texts in allowed.items():
        ranges = []
        for t in texts:
            lo, _, hi = t.partition("-")
            ranges.append((int(lo), int(hi or lo)))
        mapping[protocol] = ranges
    return make_set(mapping)


def parse_mt(text):
    data = json.loads(text)
    return data["endpoints"], {(c["from"], c["to"]): mt_set(c["allowed"]) for c in data["cells"]}


# --------------------------------------------------------------------------------------------
# Running


def run(cmd, **kw):
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return proc, time.perf_counter() - start


def parse_range(text):
    values = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        values.extend(range(int(lo), int(hi or lo) + 1))
    return values


def nca_command(nca, cluster):
    """nca's connectivity map of a gen_cluster.py directory, one line per pair of endpoints.

    The namespaces and pods are named explicitly: given only --resource_list DIR, nca reads the
    files in directory order (os.walk, unsorted) in a single pass, and a pod read before its
    Namespace gets a namespace without labels, so namespaceSelectors miss it.
    """
    return [nca, "--connectivity", "--ns_list", os.path.join(cluster, "00-namespaces.yaml"),
            "--pod_list", os.path.join(cluster, "10-pods.yaml"), "--resource_list", cluster,
            "-o", "txt_no_fw_rules"]


def distinct_orders(cluster, copy):
    """Copies a cluster, giving Calico policies that share an order distinct orders in Calico's
    tie-break order (by name, felix/calc/policy_sorter.go). The copy means the same to Calico; to
    nca it can differ, since nca applies equal-order policies in the order it read their files.

    Every Calico policy gets its rank as its order (nca 2.1.0 fails on fractional orders, which
    Calico accepts), so the orders keep their sequence and stay below 1000, the order Calico gives
    Kubernetes NetworkPolicies, as gen_cluster.py's do. Returns how many policies shared an order.
    """
    if os.path.exists(copy):
        shutil.rmtree(copy)
    shutil.copytree(cluster, copy)
    policies = []
    for name in sorted(os.listdir(copy)):
        if not name.startswith("policy-"):
            continue
        path = os.path.join(copy, name)
        with open(path) as f:
            text = f.read()
        order = re.search(r"^  order: (\S+)$", text, re.M)
        if not order:
            continue  # a Kubernetes NetworkPolicy: order 1000 in Calico, above every generated order
        meta = re.search(r"^metadata:\n  name: (\S+)\n(?:  namespace: (\S+)\n)?", text, re.M)
        kind = re.search(r"^kind: (\S+)$", text, re.M).group(1)
        key = f"{meta.group(1)}/{meta.group(2) or ''}/{kind}"
        if float(order.group(1)) >= 1000:
            raise RuntimeError(f"{path}: order {order.group(1)} is not below 1000")
        policies.append((float(order.group(1)), key, path, text))
    if len(policies) >= 1000:
        raise RuntimeError("too many Calico policies to rank below order 1000")
    policies.sort()
    orders = [order for order, _, _, _ in policies]
    for rank, (_, _, path, text) in enumerate(policies, start=1):
        with open(path, "w") as f:
            f.write(re.sub(r"^  order: \S+$", f"  order: {rank}", text, count=1, flags=re.M))
    return len(orders) - len(set(orders)) + len({o for o in orders if orders.count(o) > 1})


def run_nca(args, cluster):
    out = cluster + ".nca.txt"
    if os.path.exists(out):
        os.remove(out)  # nca appends to --file_out
    proc, seconds = run(["nice"] + nca_command(args.nca, cluster) + ["-f", out])
    if proc.returncode or not os.path.exists(out):
        raise RuntimeError(f"nca failed ({proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    with open(out) as f:
        pairs, pods = parse_nca(f.read())
    return pairs, pods, seconds


def run_mt(args, cluster):
    proc, seconds = run([args.matrix_tui, "eval", cluster, "--probe", "any", "--format", "json"])
    if proc.returncode:
        raise RuntimeError(f"matrix-tui failed ({proc.returncode}): {proc.stderr[-2000:]}")
    with open(cluster + ".matrix-tui.json", "w") as f:
        f.write(proc.stdout)
    endpoints, pairs = parse_mt(proc.stdout)
    return endpoints, pairs, seconds


def differences(endpoints, mt_pairs, nca_pairs, other=None):
    diffs = []
    for src in endpoints:
        for dst in endpoints:
            if src == dst:
                continue
            mt = mt_pairs[(src, dst)]
            nca, others = nca_pairs.get((src, dst), (NONE, False))
            if other is not None:
                other[others] = other.get(others, 0) + 1
            if mt != nca:
                diffs.append((src, dst, set_text(mt), set_text(nca)))
    return diffs


def compare_one(args, pods, namespaces, policies, seed, workdir):
    cluster = os.path.join(workdir, f"p{pods}-n{namespaces}-P{policies}-s{seed}")
    proc, _ = run([sys.executable, GEN, "--pods", str(pods), "--namespaces", str(namespaces),
                   "--policies", str(policies), "--seed", str(seed), "--out", cluster])
    if proc.returncode:
        raise RuntimeError(f"gen_cluster failed: {proc.stderr}")
    nca_pairs, nca_pods, nca_time = run_nca(args, cluster)
    endpoints, mt_pairs, mt_time = run_mt(args, cluster)
    unknown = sorted(nca_pods - set(endpoints))
    if unknown:
        raise RuntimeError(f"nca names pods matrix-tui does not list: {unknown[:5]}")
    other = {}
    diffs = differences(endpoints, mt_pairs, nca_pairs, other)
    n = len(endpoints)
    result = {"config": f"{pods} pods, {namespaces} namespaces, {policies} policies, seed {seed}",
              "cluster": cluster, "pairs": n * (n - 1), "equal": n * (n - 1) - len(diffs),
              "diffs": diffs, "order_ties": 0, "explained": [], "unexplained": diffs, "other": other,
              "nca_seconds": nca_time, "matrix_tui_seconds": mt_time}
    if diffs:
        # Is it nca's tie-break? Ask both tools again with the ties made explicit.
        copy = cluster + "-distinct-orders"
        result["order_ties"] = distinct_orders(cluster, copy)
        if result["order_ties"]:
            endpoints2, mt_pairs2, _ = run_mt(args, copy)
            if endpoints2 != endpoints or mt_pairs2 != mt_pairs:
                raise RuntimeError(f"matrix-tui answers differently on {copy}: the rewrite changed the meaning")
            nca_pairs2, _, _ = run_nca(args, copy)
            left = {(d[0], d[1]) for d in differences(endpoints, mt_pairs, nca_pairs2)}
            result["explained"] = [d for d in diffs if (d[0], d[1]) not in left]
            result["unexplained"] = [d for d in diffs if (d[0], d[1]) in left]
            result["new_after_rewrite"] = len(left - {(d[0], d[1]) for d in diffs})
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=DEFAULT_SIZES, metavar="PODS:NS:POLICIES",
                        help=f"cluster sizes (default {' '.join(DEFAULT_SIZES)})")
    parser.add_argument("--seeds", default=DEFAULT_SEEDS, help=f"seeds, e.g. 1-5 or 1,3,9 (default {DEFAULT_SEEDS})")
    parser.add_argument("--nca", default=os.path.join(ROOT, ".venv-nca", "bin", "nca"))
    parser.add_argument("--matrix-tui", default=os.path.join(ROOT, ".build", "release", "matrix-tui"))
    parser.add_argument("--show", type=int, default=5, help="differing pairs to print per configuration")
    parser.add_argument("--keep", metavar="DIR", help="write the clusters and both outputs here and keep them")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--self-test", action="store_true", help="check the output parsers and exit")
    args = parser.parse_args(argv)
    if args.self_test:
        self_test()
        return 0
    for tool, hint in ((args.nca, "benchmarks/nca_setup.sh"),
                       (args.matrix_tui, "scripts/build")):
        if not os.access(tool, os.X_OK):
            parser.error(f"{tool} not found: run {hint}")

    workdir = args.keep or tempfile.mkdtemp(prefix="nca-compare-")
    os.makedirs(workdir, exist_ok=True)
    results = []
    failed = False
    for size in args.sizes:
        pods, namespaces, policies = (int(x) for x in size.split(":"))
        for seed in parse_range(args.seeds):
            try:
                r = compare_one(args, pods, namespaces, policies, seed, workdir)
            except RuntimeError as error:
                print(f"{size} seed {seed}: {error}", file=sys.stderr)
                failed = True
                continue
            results.append(r)
            differ = r["pairs"] - r["equal"]
            line = f"{r['config']}: {r['pairs']} pairs, {r['equal']} equal"
            if differ:
                line += (f", {differ} differ: {len(r['explained'])} explained by nca's order tie-break "
                         f"({r['order_ties']} policies share an order), {len(r['unexplained'])} unexplained")
            print(line + f"; nca {r['nca_seconds']:.1f} s, matrix-tui {r['matrix_tui_seconds'] * 1000:.0f} ms",
                  flush=True)
            for label, diffs in (("tie-break", r["explained"]), ("UNEXPLAINED", r["unexplained"])):
                for src, dst, mt, nca in diffs[:args.show]:
                    print(f"  [{label}] {src} -> {dst}\n    matrix-tui: {mt}\n    nca:        {nca}")
    pairs = sum(r["pairs"] for r in results)
    equal = sum(r["equal"] for r in results)
    explained = sum(len(r["explained"]) for r in results)
    unexplained = sum(len(r["unexplained"]) for r in results)
    other = {True: 0, False: 0}
    for r in results:
        for k, v in r["other"].items():
            other[k] += v
    print(f"\n{len(results)} configurations, {pairs} pairs compared, {equal} equal, {pairs - equal} differ"
          f" ({explained} explained by nca's tie-break between policies of equal order, {unexplained} unexplained)")
    print(f"equal once equal orders are made distinct in Calico's order: {equal + explained} of {pairs}")
    print(f"pairs where nca also allows IP protocols other than TCP, UDP and SCTP (not compared): "
          f"{other[True]}; none of them: {other[False]}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"configurations": results, "pairs": pairs, "equal": equal, "explained": explained,
                       "unexplained": unexplained}, f, indent=1)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    if failed:
        return 2
    return 0 if unexplained == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
