import Testing

@testable import PolicyKit

// What dumps of real clusters hold and hand-written manifests do not: typed lists whose items
// name no kind, and pods and workloads that run no pods now.

@Suite("Loader: typed lists")
struct TypedListTests {
  @Test("a PodList's and a NamespaceList's items take their kind and version from the list")
  func kubernetesTypedLists() throws {
    let result = load(
      """
      apiVersion: v1
      kind: NamespaceList
      metadata: {resourceVersion: "12"}
      items:
      - metadata: {name: prod, labels: {env: prod}}
      ---
      apiVersion: v1
      kind: PodList
      items:
      - metadata: {name: web, namespace: prod, labels: {app: web}}
        spec: {containers: [{name: web}]}
        status: {phase: Running, podIP: 10.0.0.5}
      - metadata: {name: db, namespace: prod}
        spec: {containers: [{name: db}]}
        status: {phase: Running, podIP: 10.0.0.6}
      ---
      apiVersion: v1
      kind: NodeList
      items:
      - metadata: {name: worker-1}
        status: {addresses: [{type: InternalIP, address: 172.18.0.3}]}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicyList
      items:
      - metadata: {name: deny, namespace: prod}
        spec: {podSelector: {}, policyTypes: [Ingress]}
      """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(result.cluster.namespaces["prod"]?.labels["env"] == "prod")
    #expect(result.cluster.namespaces["prod"]?.isDeclared == true)
    #expect(result.cluster.endpoints.map(\.id) == ["prod/db", "prod/web"])
    #expect(result.cluster.endpoint("prod/web")?.addresses == [IPAddress("10.0.0.5")!])
    #expect(result.cluster.nodes["worker-1"]?.addresses == [IPAddress("172.18.0.3")!])
    #expect(result.cluster.policies.map(\.id) == [PolicyID(kind: .networkPolicy, namespace: "prod", name: "deny")])
  }

  @Test("Calico typed lists load in both API groups", arguments: ["projectcalico.org/v3", "crd.projectcalico.org/v1"])
  func calicoTypedLists(apiVersion: String) throws {
    let result = load(
      """
      apiVersion: \(apiVersion)
      kind: GlobalNetworkPolicyList
      items:
      - metadata: {name: deny-all}
        spec: {selector: all(), types: [Ingress]}
      ---
      apiVersion: \(apiVersion)
      kind: HostEndpointList
      items:
      - metadata: {name: node-worker, labels: {role: node}}
        spec: {node: worker, interfaceName: "*", expectedIPs: [172.18.0.3]}
      """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(
      result.cluster.policies.map(\.id) == [PolicyID(kind: .globalNetworkPolicy, namespace: nil, name: "deny-all")])
    let host = try #require(result.cluster.endpoint("host/node-worker"))
    #expect(host.addresses == [IPAddress("172.18.0.3")!])
  }

  @Test("a typed list in JSON, as `kubectl get --raw /api/v1/pods` writes it, loads")
  func jsonTypedList() {
    let result = load(
      """
      {"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"4242"},"items":[
        {"metadata":{"name":"web","namespace":"prod","labels":{"app":"web"}},
         "spec":{"containers":[{"name":"web"}]},
         "status":{"phase":"Running","podIP":"10.0.0.5","podIPs":[{"ip":"10.0.0.5"}]}},
        {"metadata":{"name":"api","namespace":"prod"},
         "spec":{"containers":[{"name":"api"}]},
         "status":{"phase":"Running","podIP":"10.0.0.7"}}]}
      """, file: "pods.json")
    #expect(
      result.diagnostics.map(\.description)
        == ["pods.json:2:3: warning: namespace `prod` is not declared; it was created with only its name label"])
    #expect(result.cluster.endpoints.map(\.id) == ["prod/api", "prod/web"])
    #expect(result.cluster.endpoint("prod/api")?.addresses == [IPAddress("10.0.0.7")!])
  }

  @Test("`items` before `kind` (keys sorted, as `kubectl -o yaml` and JSON tools write them)")
  func itemsBeforeKind() {
    let yaml = load(
      """
      apiVersion: networking.k8s.io/v1
      items:
      - metadata: {name: deny, namespace: prod}
        spec: {podSelector: {}}
      - apiVersion: v1
        kind: Namespace
        metadata: {name: prod}
      kind: NetworkPolicyList
      metadata: {}
      """)
    #expect(yaml.diagnostics.isEmpty, "\(describe(yaml.diagnostics))")
    #expect(yaml.cluster.policies.map(\.id) == [PolicyID(kind: .networkPolicy, namespace: "prod", name: "deny")])
    #expect(yaml.cluster.namespaces["prod"]?.isDeclared == true)
    let json = load(
      #"{"items":[{"metadata":{"name":"prod"}}],"apiVersion":"v1","kind":"NamespaceList"}"#, file: "a.json")
    #expect(json.diagnostics.isEmpty, "\(describe(json.diagnostics))")
    #expect(json.cluster.namespaces["prod"]?.isDeclared == true)
  }

  @Test("an item that names its own kind and version keeps them, in either order of the list's keys")
  func itemWithItsOwnKind() {
    for text in [
      """
      apiVersion: v1
      kind: PodList
      items:
      - apiVersion: v1
        kind: Namespace
        metadata: {name: prod}
      - metadata: {name: web, namespace: prod}
        spec: {containers: [{name: web}]}
      """,
      """
      apiVersion: v1
      items:
      - metadata: {name: web, namespace: prod}
        spec: {containers: [{name: web}]}
      - apiVersion: v1
        kind: Namespace
        metadata: {name: prod}
      kind: PodList
      """,
    ] {
      let result = load(text)
      #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
      #expect(result.cluster.namespaces["prod"]?.isDeclared == true)
      #expect(result.cluster.endpoints.map(\.id) == ["prod/web"])
    }
  }

  @Test("an item of another kind than the list's does not take the list's version")
  func otherKindKeepsItsLackOfVersion() {
    let result = load(
      """
      apiVersion: v1
      kind: PodList
      items:
      - kind: Namespace
        metadata: {name: prod}
      """)
    #expect(
      result.diagnostics.map(\.description) == ["test.yaml:4:3: error: missing `apiVersion` for kind `Namespace`"])
  }

  @Test("the items of an unknown FooList are Foos, skipped with the usual warning")
  func unknownTypedList() {
    for text in [
      "apiVersion: example.com/v1\nkind: WidgetList\nitems:\n- metadata: {name: a}\n- metadata: {name: b}\n",
      "apiVersion: example.com/v1\nitems:\n- metadata: {name: a}\n- metadata: {name: b}\nkind: WidgetList\n",
    ] {
      let result = load(text)
      #expect(
        result.diagnostics.map(\.message)
          == ["kind `Widget` of `example.com/v1` is not used by the matrix and was skipped (2 objects)"])
      #expect(result.diagnostics.allSatisfy { $0.severity == .warning })
    }
  }

  @Test("`kind: List` items still need their own kinds")
  func genericListItemsNeedKinds() {
    let result = load("apiVersion: v1\nkind: List\nitems:\n- metadata: {name: a}\n")
    #expect(result.diagnostics.map(\.description) == ["test.yaml:4:3: error: missing `kind`"])
  }

  @Test("a broken list after `kind` keeps the items before the break; one without `kind` keeps those that name theirs")
  func brokenLists() {
    let kindFirst = load(
      "apiVersion: v1\nkind: NamespaceList\nitems:\n- metadata: {name: a}\n- metadata: {name: [b\n")
    #expect(kindFirst.cluster.namespaces["a"]?.isDeclared == true)
    #expect(kindFirst.diagnostics.count == 1)
    #expect(kindFirst.diagnostics.first?.message.hasPrefix("invalid YAML") == true)
    let kindLast = load(
      "apiVersion: v1\nitems:\n- metadata: {name: a}\n- {apiVersion: v1, kind: Namespace, metadata: {name: b}}\n- [\n")
    #expect(kindLast.cluster.namespaces["a"] == nil)
    #expect(kindLast.cluster.namespaces["b"]?.isDeclared == true)
    #expect(kindLast.diagnostics.count == 1)
  }

  @Test("client libraries' null or empty kind and version are the list's")
  func nullKindAndVersion() {
    let result = load(
      """
      apiVersion: v1
      kind: NamespaceList
      items:
      - {apiVersion: null, kind: "", metadata: {name: prod}}
      """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(result.cluster.namespaces["prod"]?.isDeclared == true)
  }
}

@Suite("Loader: pod lifecycle")
struct PodLifecycleTests {
  /// A pod in `prod` with `status` (none when nil).
  static func pod(_ name: String, status: String?) -> String {
    """
    apiVersion: v1
    kind: Pod
    metadata: {name: \(name), namespace: prod}
    spec: {containers: [{name: c}]}
    """ + (status.map { "\nstatus: \($0)" } ?? "")
  }

  static let namespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n---\n"

  @Test("finished pods and pods without an address yet are left out, with the reason")
  func finishedAndPendingPods() throws {
    let result = load(
      Self.namespace
        + [
          Self.pod("done", status: "{phase: Succeeded, podIP: 10.0.0.1}"),
          Self.pod("crashed", status: "{phase: Failed}"),
          Self.pod("waiting", status: "{phase: Pending}"),
          Self.pod("scheduled", status: "{phase: Pending, podIPs: []}"),
          Self.pod("running", status: "{phase: Running, podIP: 10.0.0.2}"),
          Self.pod("manifest", status: nil),
          Self.pod("dry-run", status: "{}"),
        ].joined(separator: "\n---\n"))
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(result.cluster.endpoints.map(\.id) == ["prod/dry-run", "prod/manifest", "prod/running"])
    #expect(result.cluster.endpoint("prod/manifest")?.hasSyntheticAddress == true)
    #expect(result.cluster.endpoint("prod/dry-run")?.hasSyntheticAddress == true)
    #expect(
      result.cluster.leftOut.map { "\($0.kind) \($0.namespace)/\($0.name): \($0.reason)" } == [
        "Pod prod/crashed: finished (phase Failed)", "Pod prod/done: finished (phase Succeeded)",
        "Pod prod/scheduled: no address yet (phase Pending)", "Pod prod/waiting: no address yet (phase Pending)",
      ])
    let done = try #require(result.cluster.leftOut.first { $0.name == "done" })
    #expect(done.location.file == "test.yaml")
    #expect(done.location.line == 5)
  }

  @Test("every podIPs address counts: dual stack, and podIPs without podIP")
  func dualStack() throws {
    let result = load(
      Self.namespace
        + [
          Self.pod("both", status: "{phase: Running, podIP: 10.0.0.5, podIPs: [{ip: 10.0.0.5}, {ip: 'fd00::5'}]}"),
          Self.pod("list-only", status: "{phase: Running, podIPs: [{ip: 'fd00::6'}, {ip: 10.0.0.6}]}"),
          Self.pod("bad", status: "{phase: Running, podIPs: [{ip: 10.0.0.300}]}"),
        ].joined(separator: "\n---\n"))
    #expect(
      result.diagnostics.map(\.description)
        == ["test.yaml:21:40: error: `status.podIPs[].ip` is not an IP address: `10.0.0.300`"])
    #expect(result.cluster.endpoint("prod/both")?.addresses == [IPAddress("10.0.0.5")!, IPAddress("fd00::5")!])
    let listOnly = try #require(result.cluster.endpoint("prod/list-only"))
    #expect(listOnly.addresses == [IPAddress("fd00::6")!, IPAddress("10.0.0.6")!])
    #expect(!listOnly.hasSyntheticAddress)
  }

  /// A `kind` in `prod` (API group `apps/v1` unless `apiVersion` says) with `spec` and `status`.
  static func workload(
    _ kind: String, _ name: String, apiVersion: String = "apps/v1", spec: String, status: String = "{}"
  )
    -> String
  {
    """
    apiVersion: \(apiVersion)
    kind: \(kind)
    metadata: {name: \(name), namespace: prod}
    spec: \(spec)
    status: \(status)
    """
  }

  static let template = "template: {metadata: {labels: {app: x}}, spec: {containers: [{name: c}]}}"

  @Test("workloads scaled to zero, finished or suspended Jobs and suspended CronJobs make no endpoint")
  func workloadsThatRunNoPods() {
    let t = Self.template
    let result = load(
      Self.namespace
        + [
          Self.workload("Deployment", "off", spec: "{replicas: 0, \(t)}"),
          Self.workload("Deployment", "on", spec: "{replicas: 2, \(t)}"),
          Self.workload("Deployment", "default", spec: "{\(t)}"),
          Self.workload("StatefulSet", "db", spec: "{replicas: 0, \(t)}"),
          Self.workload("ReplicaSet", "old-7d9f", spec: "{replicas: 0, \(t)}"),
          Self.workload("ReplicationController", "rc", apiVersion: "v1", spec: "{replicas: 0, \(t)}"),
          Self.workload("DaemonSet", "agent", spec: "{\(t)}"),
          Self.workload(
            "Job", "migrate", apiVersion: "batch/v1", spec: "{\(t)}",
            status: "{succeeded: 1, conditions: [{type: Complete, status: 'True'}]}"),
          Self.workload(
            "Job", "broke", apiVersion: "batch/v1", spec: "{backoffLimit: 1, \(t)}",
            status: "{failed: 2, conditions: [{type: Failed, status: 'True'}]}"),
          Self.workload(
            "Job", "counted", apiVersion: "batch/v1", spec: "{completions: 2, \(t)}", status: "{succeeded: 2}"),
          Self.workload("Job", "retrying", apiVersion: "batch/v1", spec: "{\(t)}", status: "{failed: 1}"),
          Self.workload("Job", "busy", apiVersion: "batch/v1", spec: "{\(t)}", status: "{active: 1, succeeded: 1}"),
          Self.workload("Job", "paused", apiVersion: "batch/v1", spec: "{suspend: true, \(t)}"),
          Self.workload(
            "CronJob", "nightly", apiVersion: "batch/v1",
            spec: "{suspend: true, schedule: '0 0 * * *', jobTemplate: {spec: {\(t)}}}"),
          Self.workload(
            "CronJob", "hourly", apiVersion: "batch/v1", spec: "{schedule: '0 * * * *', jobTemplate: {spec: {\(t)}}}"),
        ].joined(separator: "\n---\n"))
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(
      result.cluster.endpoints.map(\.id) == [
        "prod/agent", "prod/busy", "prod/default", "prod/hourly", "prod/on", "prod/retrying",
      ])
    #expect(
      result.cluster.leftOut.map { "\($0.kind) \($0.name): \($0.reason)" } == [
        "Job broke: finished Job (Failed)", "Job counted: finished Job (2 succeeded)", "StatefulSet db: replicas: 0",
        "Job migrate: finished Job (Complete)", "CronJob nightly: suspended CronJob", "Deployment off: replicas: 0",
        "ReplicaSet old-7d9f: replicas: 0",
        "Job paused: suspended Job", "ReplicationController rc: replicas: 0",
      ])
  }

  @Test("a Deployment whose only pod has no address yet has no endpoint: its pod stands for it")
  func pendingPodStillStandsForItsOwner() {
    let result = load(
      Self.namespace + Self.workload("Deployment", "web", spec: "{replicas: 1, \(Self.template)}") + "\n---\n"
        + """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web-5d8f-abcde
          namespace: prod
          ownerReferences: [{kind: ReplicaSet, name: web-5d8f}]
        spec: {containers: [{name: c}]}
        status: {phase: Pending}
        """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(result.cluster.endpoints.isEmpty)
    #expect(result.cluster.leftOut.map(\.name) == ["web-5d8f-abcde"])
  }

  @Test("a bad replicas count is an error at its place")
  func badReplicas() {
    let result = load(Self.namespace + Self.workload("Deployment", "web", spec: "{replicas: many, \(Self.template)}"))
    #expect(
      result.diagnostics.map(\.description) == [
        "test.yaml:8:18: error: `spec.replicas` must be a whole number, not `many`"
      ])
  }

  @Test("a reload that edits a pod's phase or moves a left-out pod lists it as a fresh load does")
  func reloadKeepsLeftOutCurrent() {
    let running =
      Self.namespace + Self.pod("a", status: "{phase: Running, podIP: 10.0.0.1}") + "\n---\n"
      + Self.pod("b", status: "{phase: Succeeded}")
    let edits = [
      running.replacingOccurrences(of: "Running", with: "Succeeded"),
      "# a comment line\n" + running,
      running.replacingOccurrences(of: "Succeeded", with: "Failed"),
      running,
    ]
    var cache = ManifestCache()
    _ = ManifestLoader.load([SourceFile(path: "a.yaml", text: running)], cache: &cache)
    for text in edits {
      let file = SourceFile(path: "a.yaml", text: text)
      let reloaded = ManifestLoader.load([file], cache: &cache)
      let fresh = ManifestLoader.load([file])
      #expect(reloaded.cluster.leftOut == fresh.cluster.leftOut, "\(text)")
      #expect(reloaded.cluster.endpoints.map(\.id) == fresh.cluster.endpoints.map(\.id), "\(text)")
    }
  }
}
