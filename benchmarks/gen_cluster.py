#!/usr/bin/env python3
"""Seeded synthetic cluster for benchmarking matrix-tui (Python 3, standard library only).

Writes namespaces, pods, Kubernetes NetworkPolicies, Calico NetworkPolicies and
GlobalNetworkPolicies, and optionally Calico tiers, nodes with host endpoints, and CIDR rules.
The same arguments always give the same bytes.

  benchmarks/gen_cluster.py --pods 500 --namespaces 20 --policies 150 --seed 1 --out /tmp/c500.yaml
  benchmarks/gen_cluster.py --pods 1000 --namespaces 40 --policies 300 --seed 1 --tiers \\
      --hosts 4 --cidr-rules --out /tmp/c1000/
  matrix-tui eval --format csv /tmp/c500.yaml | wc -l

--out FILE.yaml (or .yml) writes one multi-document file; any other path is a directory that gets
one file for the namespaces, one for the pods (and nodes), one for the tiers and host endpoints,
and one file per policy (policy-NNNN-NAME.yaml), so that a benchmark can edit a single policy.
--out - writes the multi-document YAML to standard output.
"""

import argparse
import ipaddress
import json
import os
import random
import re
import sys

TEAMS = ["payments", "search", "identity", "platform", "data", "web"]
ENVS = ["prod", "staging", "dev"]
# app -> tier: a small vocabulary, so that label sets repeat across pods and namespaces.
APPS = {
    "web": "frontend",
    "ui": "frontend",
    "api": "backend",
    "auth": "backend",
    "billing": "backend",
    "search": "backend",
    "worker": "backend",
    "db": "data",
    "cache": "data",
    "queue": "data",
}
VERSIONS = ["v1", "v2", "v3"]
HTTP_PORT = 80
METRICS_PORT = 9090
POD_NETWORK = ipaddress.ip_network("10.0.0.0/8")
NODE_NETWORK = ipaddress.ip_network("172.16.0.0/16")


# --------------------------------------------------------------------------------------------
# A small YAML writer: block mappings and sequences, scalars quoted only when they must be.

PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./-]*$")
RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if PLAIN.match(text) and text.lower() not in RESERVED:
        return text
    return json.dumps(text)  # a JSON string is a valid YAML double-quoted scalar


def emit(value, indent=0):
    """Lines of YAML for a mapping or a list, at `indent` spaces."""
    pad = " " * indent
    lines = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:")
                lines.extend(emit(item, indent + 2 if isinstance(item, dict) else indent))
            elif isinstance(item, dict):
                lines.append(f"{pad}{key}: {{}}")
            elif isinstance(item, list):
                lines.append(f"{pad}{key}: []")
            else:
                lines.append(f"{pad}{key}: {scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)) and item:
                inner = emit(item, indent + 2)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines.extend(inner[1:])
            elif isinstance(item, dict):
                lines.append(f"{pad}- {{}}")
            else:
                lines.append(f"{pad}- {scalar(item)}")
    return lines


def document(obj, comment=None):
    head = [f"# {comment}"] if comment else []
    return "\n".join(head + emit(obj)) + "\n"


# --------------------------------------------------------------------------------------------
# The world


class Cluster:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.namespaces = []  # (name, labels)
        self.pods = []  # dicts: name, namespace, labels, ip, node
        self.nodes = []  # (name, ip)
        self.tiers = []  # (name, order, defaultAction)
        self.objects = []  # (group, name, object, comment)

    # Endpoints ------------------------------------------------------------------------------

    def make_namespaces(self):
        for i in range(self.args.namespaces):
            team = TEAMS[i % len(TEAMS)]
            env = ENVS[(i // len(TEAMS)) % len(ENVS)]
            name = f"{team}-{env}" if i < len(TEAMS) * len(ENVS) else f"{team}-{env}-{i}"
            labels = {"kubernetes.io/metadata.name": name, "team": team, "env": env}
            self.namespaces.append((name, labels))
            self.objects.append(("namespaces", name, {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {"name": name, "labels": labels},
            }, None))

    def make_nodes(self):
        count = self.args.hosts
        hosts = list(NODE_NETWORK.hosts())
        for i in range(count):
            name = f"node-{i}"
            ip = str(hosts[i + 1])
            self.nodes.append((name, ip))
            self.objects.append(("pods", name, {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
                "status": {"addresses": [{"type": "InternalIP", "address": ip}]},
            }, None))

    def make_pods(self):
        # Unique addresses in 10.0.0.0/8, spread over the range but deterministic.
        size = POD_NETWORK.num_addresses
        base = int(POD_NETWORK.network_address)
        addresses = set()
        apps = list(APPS)
        # With --label-sets N, pods are replicas of N templates (namespace and labels), as
        # Deployments make them; otherwise every pod draws its own labels.
        templates = []
        for t in range(self.args.label_sets):
            app = self.rng.choice(apps)
            labels = {"app": app, "tier": APPS[app], "version": self.rng.choice(VERSIONS)}
            if self.rng.random() < 0.05:
                labels["quarantine"] = "true"
            templates.append((self.namespaces[t % len(self.namespaces)][0], app, labels))
        for i in range(self.args.pods):
            if templates:
                namespace, app, template_labels = templates[i % len(templates)]
                labels = dict(template_labels)
            else:
                namespace, _ = self.namespaces[i % len(self.namespaces)]
                app = self.rng.choice(apps)
                labels = {"app": app, "tier": APPS[app], "version": self.rng.choice(VERSIONS)}
                if self.rng.random() < 0.05:
                    labels["quarantine"] = "true"
            while True:
                offset = self.rng.randrange(256, size - 256)
                if offset % 256 in (0, 255) or offset in addresses:
                    continue
                addresses.add(offset)
                break
            ip = str(ipaddress.ip_address(base + offset))
            name = f"{app}-{i}"
            pod = {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": name, "namespace": namespace, "labels": labels},
                "spec": {"containers": [{
                    "name": app,
                    "image": "registry.k8s.io/e2e-test-images/agnhost:2.53",
                    "ports": [
                        {"name": "http", "containerPort": HTTP_PORT, "protocol": "TCP"},
                        {"name": "metrics", "containerPort": METRICS_PORT, "protocol": "TCP"},
                    ],
                }]},
                "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}]},
            }
            if self.nodes:
                node, node_ip = self.nodes[i % len(self.nodes)]
                pod["spec"] = {"nodeName": node, **pod["spec"]}
                pod["status"]["hostIP"] = node_ip
            self.pods.append({"name": name, "namespace": namespace, "labels": labels, "ip": ip})
            self.objects.append(("pods", f"{namespace}/{name}", pod, None))

    def make_host_endpoints(self):
        for name, ip in self.nodes:
            self.objects.append(("infrastructure", f"hep-{name}", {
                "apiVersion": "projectcalico.org/v3",
                "kind": "HostEndpoint",
                "metadata": {"name": f"{name}-eth0", "labels": {"role": "node", "node": name}},
                "spec": {
                    "node": name,
                    "interfaceName": "*",
                    "expectedIPs": [ip],
                    "profiles": ["projectcalico-default-allow"],
                },
            }, None))

    def make_tiers(self):
        self.tiers = [("security", 100, "Pass"), ("platform", 500, "Deny")]
        for name, order, action in self.tiers:
            self.objects.append(("infrastructure", f"tier-{name}", {
                "apiVersion": "projectcalico.org/v3",
                "kind": "Tier",
                "metadata": {"name": name},
                "spec": {"order": order, "defaultAction": action},
            }, None))

    # Pieces of policies ---------------------------------------------------------------------

    def some_app(self):
        return self.rng.choice(list(APPS))

    def some_namespace(self):
        return self.rng.choice(self.namespaces)[0]

    def cidr(self):
        """A CIDR inside the pod network, usually holding some pods."""
        pod = self.rng.choice(self.pods)
        prefix = self.rng.choice([8, 12, 16, 20, 24])
        return str(ipaddress.ip_network(f"{pod['ip']}/{prefix}", strict=False))

    def k8s_ports(self):
        choice = self.rng.random()
        if choice < 0.35:
            return [{"protocol": "TCP", "port": "http"}]
        if choice < 0.6:
            return [{"protocol": "TCP", "port": HTTP_PORT}]
        if choice < 0.75:
            return [{"protocol": "TCP", "port": "metrics"}]
        if choice < 0.85:
            return [{"protocol": "TCP", "port": 80, "endPort": 90}]
        return []

    def k8s_peer(self):
        kind = self.rng.random()
        if self.args.cidr_rules and kind < 0.15:
            block = {"cidr": self.cidr()}
            net = ipaddress.ip_network(block["cidr"])
            if net.prefixlen <= 16 and self.rng.random() < 0.5:
                block["except"] = [str(next(net.subnets(new_prefix=net.prefixlen + 4)))]
            return {"ipBlock": block}
        if kind < 0.4:
            return {"podSelector": {"matchLabels": {"app": self.some_app()}}}
        if kind < 0.55:
            return {"podSelector": {"matchExpressions": [{
                "key": "tier", "operator": "In",
                "values": sorted(self.rng.sample(["frontend", "backend", "data"], 2)),
            }]}}
        if kind < 0.75:
            return {"namespaceSelector": {"matchLabels": {"team": self.rng.choice(TEAMS)}}}
        if kind < 0.9:
            return {
                "namespaceSelector": {"matchLabels": {"env": self.rng.choice(ENVS)}},
                "podSelector": {"matchLabels": {"tier": self.rng.choice(["frontend", "backend"])}},
            }
        return {"namespaceSelector": {}}

    def calico_selector(self):
        kind = self.rng.random()
        app = self.some_app()
        if kind < 0.3:
            return f"app == '{app}'"
        if kind < 0.5:
            apps = sorted(self.rng.sample(list(APPS), 3))
            return "app in {" + ", ".join(f"'{a}'" for a in apps) + "}"
        if kind < 0.6:
            return f"tier == '{APPS[app]}' && has(version)"
        if kind < 0.7:
            return f"app == '{app}' && version != 'v1'"
        if kind < 0.8:
            return f"!has(quarantine) && tier in {{'backend', 'data'}}"
        if kind < 0.9:
            return f"has(app) && !(version == '{self.rng.choice(VERSIONS)}')"
        return "all()"

    def calico_peer(self):
        peer = {}
        kind = self.rng.random()
        if self.args.cidr_rules and kind < 0.15:
            peer["nets"] = [self.cidr()]
            if self.rng.random() < 0.3:
                peer["notNets"] = [self.cidr()]
            return peer
        if kind < 0.55:
            peer["selector"] = self.calico_selector()
        if kind >= 0.4:
            ns = self.rng.random()
            if ns < 0.4:
                peer["namespaceSelector"] = f"team == '{self.rng.choice(TEAMS)}'"
            elif ns < 0.7:
                peer["namespaceSelector"] = "env in {" + ", ".join(
                    f"'{e}'" for e in sorted(self.rng.sample(ENVS, 2))) + "}"
            elif ns < 0.85:
                peer["namespaceSelector"] = "has(team)"
            else:
                peer["namespaceSelector"] = f"env != '{self.rng.choice(ENVS)}'"
        return peer

    def calico_rule(self, actions):
        action = self.rng.choice(actions)
        rule = {"action": action}
        if self.rng.random() < 0.8:
            rule["protocol"] = "TCP"
        peer = self.calico_peer()
        if self.rng.random() < 0.7:
            if peer:
                rule["source"] = peer
        ports = self.rng.random()
        if "protocol" in rule and ports < 0.7:
            dest = {}
            if ports < 0.3:
                dest["ports"] = ["http"]
            elif ports < 0.5:
                dest["ports"] = [HTTP_PORT, METRICS_PORT]
            else:
                dest["ports"] = ["80:90"]
            if "source" not in rule and peer:
                dest.update(peer)
            rule["destination"] = dest
        return rule

    # Policies -------------------------------------------------------------------------------

    def add_policy(self, name, obj, comment=None):
        self.objects.append(("policy", name, obj, comment))

    def k8s_default_deny(self, namespace, both):
        types = ["Ingress", "Egress"] if both else ["Ingress"]
        spec = {"podSelector": {}, "policyTypes": types}
        if both:
            # The exception every egress lockdown needs: DNS anywhere, and the namespace itself.
            spec["egress"] = [
                {"ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]},
                {"to": [{"podSelector": {}}]},
            ]
        return {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": "default-deny", "namespace": namespace},
            "spec": spec,
        }

    def k8s_allow(self, index):
        namespace = self.some_namespace()
        app = self.some_app()
        spec = {"podSelector": {"matchLabels": {"app": app}}}
        direction = self.rng.random()
        types = ["Ingress"] if direction < 0.6 else ["Egress"] if direction < 0.8 else ["Ingress", "Egress"]
        spec["policyTypes"] = types
        if "Ingress" in types:
            rules = []
            for _ in range(self.rng.randint(1, 3)):
                rule = {"from": [self.k8s_peer() for _ in range(self.rng.randint(1, 2))]}
                ports = self.k8s_ports()
                if ports:
                    rule["ports"] = ports
                rules.append(rule)
            spec["ingress"] = rules
        if "Egress" in types:
            rule = {"to": [self.k8s_peer()]}
            ports = self.k8s_ports()
            if ports:
                rule["ports"] = ports
            spec["egress"] = [rule]
        return {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": f"allow-{app}-{index}", "namespace": namespace},
            "spec": spec,
        }

    def calico_policy(self, index, tier):
        namespace = self.some_namespace()
        actions = ["Allow", "Allow", "Allow", "Deny"] + (["Pass"] if tier else [])
        types = ["Ingress"] if self.rng.random() < 0.7 else ["Ingress", "Egress"]
        spec = {}
        if tier:
            spec["tier"] = tier
        spec["order"] = self.rng.randrange(10, 1000, 10)
        spec["selector"] = self.calico_selector()
        spec["types"] = types
        spec["ingress"] = [self.calico_rule(actions) for _ in range(self.rng.randint(1, 3))]
        if tier and self.tier_action(tier) == "Deny" and self.rng.random() < 0.5:
            spec["ingress"].append({"action": "Pass"})
        if "Egress" in types:
            spec["egress"] = [self.calico_rule(actions)]
        return {
            "apiVersion": "projectcalico.org/v3",
            "kind": "NetworkPolicy",
            "metadata": {"name": f"calico-{index}", "namespace": namespace},
            "spec": spec,
        }

    def global_policy(self, index, tier):
        spec = {}
        if tier:
            spec["tier"] = tier
        spec["order"] = self.rng.randrange(10, 1000, 10)
        kind = self.rng.random()
        if kind < 0.4:
            spec["namespaceSelector"] = f"env == '{self.rng.choice(ENVS)}'"
        elif kind < 0.7:
            spec["selector"] = self.calico_selector()
        else:
            spec["selector"] = f"tier == '{self.rng.choice(['backend', 'data'])}'"
            spec["namespaceSelector"] = f"team in {{'{self.rng.choice(TEAMS)}', '{self.rng.choice(TEAMS)}'}}"
        spec["types"] = ["Ingress"]
        rules = [self.calico_rule(["Deny", "Allow"]) for _ in range(self.rng.randint(1, 2))]
        # In a tier that denies by default, end with a Pass so that the rest reaches the default tier.
        if tier and self.tier_action(tier) == "Deny":
            rules.append({"action": "Pass"})
        spec["ingress"] = rules
        return {
            "apiVersion": "projectcalico.org/v3",
            "kind": "GlobalNetworkPolicy",
            "metadata": {"name": f"global-{index}"},
            "spec": spec,
        }

    def tier_action(self, name):
        return next(action for tier, _, action in self.tiers if tier == name)

    def make_policies(self):
        total = self.args.policies
        index = 0
        # Some default-deny namespaces first (about one in four, at most a tenth of the budget).
        denies = min(total // 10, len(self.namespaces) // 4)
        for namespace, _ in self.rng.sample(self.namespaces, denies):
            both = self.rng.random() < 0.3
            self.add_policy(f"{namespace}-default-deny", self.k8s_default_deny(namespace, both))
            index += 1
        if self.nodes:
            tier = "platform" if self.tiers else None
            spec = {"order": 100, "selector": "role == 'node'", "types": ["Ingress"], "ingress": [
                {"action": "Allow", "source": {"selector": "role == 'node' || tier == 'data'"}},
            ]}
            if tier:
                spec = {"tier": tier, **spec}
            else:
                spec["ingress"].append({"action": "Deny"})
            self.add_policy("host-firewall", {
                "apiVersion": "projectcalico.org/v3",
                "kind": "GlobalNetworkPolicy",
                "metadata": {"name": "host-firewall"},
                "spec": spec,
            })
            index += 1
        tier_names = [name for name, _, _ in self.tiers]
        while index < total:
            kind = self.rng.random()
            tier = None
            if tier_names and self.rng.random() < 0.3:
                tier = self.rng.choice(tier_names)
            if kind < 0.4:
                obj = self.k8s_allow(index)
            elif kind < 0.75:
                obj = self.calico_policy(index, tier)
            else:
                obj = self.global_policy(index, tier)
            meta = obj["metadata"]
            name = f"{meta['namespace']}-{meta['name']}" if "namespace" in meta else meta["name"]
            self.add_policy(name, obj)
            index += 1

    def build(self):
        self.make_namespaces()
        self.make_nodes()
        self.make_pods()
        if self.nodes:
            self.make_host_endpoints()
        if self.args.tiers:
            self.make_tiers()
        self.make_policies()
        return self


# --------------------------------------------------------------------------------------------
# Output


def write(cluster, out):
    docs = [document(obj, comment) for _, _, obj, comment in cluster.objects]
    if out == "-" or out.endswith((".yaml", ".yml")):
        text = "---\n".join(docs)
        header = f"# matrix-tui synthetic cluster: {describe(cluster)}\n"
        if out == "-":
            sys.stdout.write(header + text)
        else:
            os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
            with open(out, "w") as f:
                f.write(header + text)
        return
    groups = {"namespaces": "00-namespaces.yaml", "pods": "10-pods.yaml", "infrastructure": "20-infrastructure.yaml"}
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(out):  # a previous run's files would otherwise load too
        if name in groups.values() or re.match(r"^policy-\d{4}-[a-z0-9-]+\.yaml$", name):
            os.remove(os.path.join(out, name))
    grouped = {}
    policy = 0
    for (group, name, obj, comment), doc in zip(cluster.objects, docs):
        if group == "policy":
            slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
            with open(os.path.join(out, f"policy-{policy:04d}-{slug}.yaml"), "w") as f:
                f.write(doc)
            policy += 1
        else:
            grouped.setdefault(groups[group], []).append(doc)
    for filename, parts in grouped.items():
        with open(os.path.join(out, filename), "w") as f:
            f.write("---\n".join(parts))


def describe(cluster):
    kinds = {}
    for _, _, obj, _ in cluster.objects:
        kind = obj["kind"]
        if kind == "NetworkPolicy":
            kind = "Calico NetworkPolicy" if obj["apiVersion"].startswith("projectcalico") else "Kubernetes NetworkPolicy"
        kinds[kind] = kinds.get(kind, 0) + 1
    endpoints = len(cluster.pods) + len(cluster.nodes)
    parts = ", ".join(f"{count} {kind}" for kind, count in kinds.items())
    return f"seed {cluster.args.seed}, {endpoints} endpoints: {parts}"


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Write a seeded synthetic Kubernetes + Calico cluster for matrix-tui benchmarks.")
    parser.add_argument("--pods", type=int, default=100, help="pods (default 100)")
    parser.add_argument("--namespaces", type=int, default=10, help="namespaces (default 10)")
    parser.add_argument("--policies", type=int, default=50,
                        help="policies of every kind together (default 50)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--label-sets", type=int, default=0, metavar="N",
                        help="pods are replicas of N label sets (namespace + labels); "
                             "0 (default): every pod draws its own labels")
    parser.add_argument("--tiers", action="store_true",
                        help="add Calico tiers security (Pass) and platform (Deny) and put some policies in them")
    parser.add_argument("--hosts", type=int, default=0, metavar="N",
                        help="N nodes, each with a HostEndpoint (projectcalico-default-allow) and a host firewall policy")
    parser.add_argument("--cidr-rules", action="store_true",
                        help="some rules use ipBlock (Kubernetes) or nets/notNets (Calico)")
    parser.add_argument("--out", required=True,
                        help="FILE.yaml for one multi-document file, - for stdout, or a directory")
    args = parser.parse_args(argv)
    if args.pods < 1 or args.namespaces < 1 or args.policies < 0 or args.hosts < 0:
        parser.error("--pods and --namespaces must be at least 1; --policies and --hosts at least 0")
    cluster = Cluster(args).build()
    write(cluster, args.out)
    if args.out != "-":
        print(f"{args.out}: {describe(cluster)}", file=sys.stderr)


if __name__ == "__main__":
    main()
