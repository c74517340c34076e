import Testing

@testable import PolicyKit

// How each manifest kind becomes part of the `Cluster`, and how files, lists and documents are
// read.

@Suite("Loader: Kubernetes kinds")
struct KubernetesKindTests {
  @Test("a Namespace gets kubernetes.io/metadata.name, and projectcalico.org/name for Calico")
  func namespaceLabels() throws {
    let result = load(
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: prod
        labels: {env: prod}
      """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    let namespace = try #require(result.cluster.namespaces["prod"])
    #expect(namespace.isDeclared)
    #expect(namespace.labels == ["env": "prod", "kubernetes.io/metadata.name": "prod"])
    #expect(
      namespace.selectorLabels
        == ["env": "prod", "kubernetes.io/metadata.name": "prod", "projectcalico.org/name": "prod"])
  }

  @Test("a Pod becomes an endpoint with its labels, IPs, node, named ports and Calico labels")
  func pod() throws {
    let result = load(
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: prod, labels: {env: prod}}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
        namespace: prod
        labels: {app: web}
      spec:
        nodeName: worker-1
        serviceAccountName: web-sa
        containers:
        - name: web
          ports:
          - {name: http, containerPort: 8080}
          - {name: dns, containerPort: 53, protocol: UDP}
      status:
        podIP: 10.0.0.5
        podIPs: [{ip: 10.0.0.5}, {ip: "fd00::5"}]
      """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    let web = try #require(result.cluster.endpoint("prod/web"))
    #expect(web.kind == .workload(kind: "Pod"))
    #expect(web.labels == ["app": "web"])
    #expect(web.addresses == [IPAddress("10.0.0.5")!, IPAddress("fd00::5")!])
    #expect(!web.hasSyntheticAddress)
    #expect(web.node == "worker-1")
    #expect(web.serviceAccount == "web-sa")
    #expect(web.port(named: "http", .tcp) == 8080)
    #expect(web.port(named: "dns", .udp) == 53)
    #expect(web.port(named: "dns", .tcp) == nil)
    #expect(web.profiles == ["kns.prod", "ksa.prod.web-sa"])
    #expect(web.selectorLabels["projectcalico.org/namespace"] == "prod")
    #expect(web.selectorLabels["projectcalico.org/orchestrator"] == "k8s")
    #expect(web.selectorLabels["projectcalico.org/serviceaccount"] == "web-sa")
    #expect(web.selectorLabels["pcns.env"] == "prod")
    #expect(web.selectorLabels["pcsa.projectcalico.org/name"] == "web-sa")
  }

  struct WorkloadCase: Sendable, CustomTestStringConvertible {
    var kind: String
    var apiVersion: String
    var specPrefix: String
    var testDescription: String { kind }
  }

  @Test(
    "a workload's pod template is one endpoint",
    arguments: [
      WorkloadCase(kind: "Deployment", apiVersion: "apps/v1", specPrefix: ""),
      WorkloadCase(kind: "StatefulSet", apiVersion: "apps/v1", specPrefix: ""),
      WorkloadCase(kind: "DaemonSet", apiVersion: "apps/v1", specPrefix: ""),
      WorkloadCase(kind: "ReplicaSet", apiVersion: "apps/v1", specPrefix: ""),
      WorkloadCase(kind: "Job", apiVersion: "batch/v1", specPrefix: ""),
      WorkloadCase(
        kind: "CronJob", apiVersion: "batch/v1", specPrefix: "jobTemplate:\n    spec:\n      "),
    ])
  func workloadTemplate(_ c: WorkloadCase) throws {
    // The template is indented under `spec:` (CronJob: under `spec.jobTemplate.spec`).
    let pad = c.kind == "CronJob" ? "      " : "  "
    let template = """
      template:
      \(pad)  metadata:
      \(pad)    labels: {app: web}
      \(pad)  spec:
      \(pad)    containers:
      \(pad)    - name: web
      \(pad)      ports: [{name: http, containerPort: 8080}]
      """
    let result = load(
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: prod}
      ---
      apiVersion: \(c.apiVersion)
      kind: \(c.kind)
      metadata:
        name: web
        namespace: prod
        labels: {owner: team-a}
      spec:
        replicas: 3
        \(c.specPrefix)\(template)
      """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(result.cluster.endpoints.map(\.id) == ["prod/web"])
    let web = try #require(result.cluster.endpoint("prod/web"))
    #expect(web.kind == .workload(kind: c.kind))
    // The template's labels, not the object's, are the pods' labels.
    #expect(web.labels == ["app": "web"])
    #expect(web.port(named: "http", .tcp) == 8080)
    #expect(web.hasSyntheticAddress)
  }

  @Test("a Deployment whose pods are loaded is represented by the pods")
  func deploymentWithPods() {
    let result = load(
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: prod}
      spec:
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: web}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-5d9c8-abcde
        namespace: prod
        labels: {app: web}
        ownerReferences: [{kind: ReplicaSet, name: web-5d9c8}]
      spec: {containers: [{name: web}]}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: api, namespace: prod}
      spec:
        template:
          metadata: {labels: {app: api}}
          spec: {containers: [{name: api}]}
      """)
    #expect(result.cluster.endpoints.map(\.id) == ["prod/api", "prod/web-5d9c8-abcde"])
  }

  @Test("a [Kind] suffix appears only when two workloads share a name")
  func kindSuffixOnClash() {
    let result = load(
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: prod}
      spec: {containers: [{name: web}]}
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: web, namespace: prod}
      spec:
        template:
          spec: {containers: [{name: web}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: dev}
      spec: {containers: [{name: web}]}
      """)
    #expect(
      result.cluster.endpoints.map(\.id) == ["dev/web", "prod/web[Pod]", "prod/web[StatefulSet]"])
  }

  @Test("a Node keeps its labels and puts its InternalIP first")
  func node() throws {
    let result = load(
      """
      apiVersion: v1
      kind: Node
      metadata:
        name: worker-1
        labels: {kubernetes.io/hostname: worker-1}
      status:
        addresses:
        - {type: Hostname, address: worker-1}
        - {type: ExternalIP, address: 203.0.113.7}
        - {type: InternalIP, address: 172.18.0.3}
      """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    let node = try #require(result.cluster.nodes["worker-1"])
    #expect(node.labels == ["kubernetes.io/hostname": "worker-1"])
    #expect(node.addresses == [IPAddress("172.18.0.3")!, IPAddress("203.0.113.7")!])
    // A node is not an endpoint by itself: only a HostEndpoint makes it a row.
    #expect(result.cluster.endpoints.isEmpty)
  }

  @Test("ServiceAccount labels reach the pods as pcsa.<key>")
  func serviceAccountLabels() throws {
    let result = load(
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: bot, namespace: prod}
      spec: {serviceAccountName: robot, containers: [{name: bot}]}
      ---
      apiVersion: v1
      kind: ServiceAccount
      metadata: {name: robot, namespace: prod, labels: {trusted: "yes"}}
      """)
    #expect(result.cluster.serviceAccountLabels["prod/robot"] == ["trusted": "yes"])
    let bot = try #require(result.cluster.endpoint("prod/bot"))
    #expect(bot.selectorLabels["pcsa.trusted"] == "yes")
    #expect(bot.selectorLabels["projectcalico.org/serviceaccount"] == "robot")
  }

  @Test("a pod without serviceAccountName runs as default")
  func defaultServiceAccount() {
    let result = load(
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: p, namespace: prod}
      spec: {containers: [{name: p}]}
      """)
    #expect(result.cluster.endpoint("prod/p")?.profiles == ["kns.prod", "ksa.prod.default"])
  }
}

@Suite("Loader: Calico kinds")
struct CalicoKindTests {
  @Test("a HostEndpoint keeps its node, interface, expectedIPs, ports and profiles")
  func hostEndpoint() throws {
    let result = load(
      """
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata:
        name: node-worker
        labels: {role: node}
      spec:
        node: worker
        interfaceName: "*"
        expectedIPs: ["172.18.0.3"]
        ports:
        - {name: kubelet, port: 10250, protocol: TCP}
        - {name: dns, port: 53, protocol: UDP}
        profiles: [projectcalico-default-allow]
      """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    let host = try #require(result.cluster.endpoint("host/node-worker"))
    #expect(host.isHost)
    #expect(host.namespace == nil)
    #expect(host.node == "worker")
    #expect(host.interfaceName == "*")
    #expect(host.addresses == [IPAddress("172.18.0.3")!])
    #expect(host.hasExpectedIPs)
    #expect(host.port(named: "kubelet", .tcp) == 10250)
    #expect(host.port(named: "dns", .udp) == 53)
    #expect(host.profiles == ["projectcalico-default-allow"])
    #expect(host.labels == ["role": "node"])
  }

  @Test("a HostEndpoint without expectedIPs takes its node's addresses")
  func hostEndpointAddressFromNode() throws {
    let result = load(
      """
      apiVersion: v1
      kind: Node
      metadata: {name: worker}
      status: {addresses: [{type: InternalIP, address: 172.18.0.3}]}
      ---
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: node-worker}
      spec: {node: worker, interfaceName: eth0}
      """)
    let host = try #require(result.cluster.endpoint("host/node-worker"))
    #expect(host.addresses == [IPAddress("172.18.0.3")!])
    #expect(!host.hasExpectedIPs)
  }

  @Test("a host endpoint's undeclared profile is a warning")
  func undeclaredProfile() {
    let result = load(
      """
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata: {name: h}
      spec: {node: n, interfaceName: "*", profiles: [nowhere]}
      """)
    #expect(
      result.diagnostics.map(\.message) == [
        "profile `nowhere` of host endpoint `h` is not declared; it has no rules"
      ])
  }

  @Test("network sets are endpoints: net/<ns>/<name> and net/<name>")
  func networkSets() throws {
    let result = load(
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: prod}
      ---
      apiVersion: projectcalico.org/v3
      kind: NetworkSet
      metadata: {name: partners, namespace: prod, labels: {kind: partner}}
      spec:
        nets: [198.51.100.0/24, 203.0.113.0/24]
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkSet
      metadata: {name: internet, labels: {kind: public}}
      spec:
        nets: [0.0.0.0/0]
      """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(result.cluster.endpoints.map(\.id) == ["net/internet", "net/prod/partners"])
    let partners = try #require(result.cluster.endpoint("net/prod/partners"))
    #expect(partners.isNetworkSet)
    #expect(partners.namespace == "prod")
    #expect(partners.nets == [CIDR("198.51.100.0/24")!, CIDR("203.0.113.0/24")!])
    #expect(partners.address == IPAddress("198.51.100.0"))
    #expect(partners.selectorLabels["projectcalico.org/namespace"] == "prod")
    #expect(result.cluster.endpoint("net/internet")?.namespace == nil)
  }

  @Test("a Tier adds a tier with its order and default action")
  func tier() throws {
    let result = load(
      """
      apiVersion: projectcalico.org/v3
      kind: Tier
      metadata: {name: security}
      spec: {order: 100, defaultAction: Pass}
      ---
      apiVersion: projectcalico.org/v3
      kind: Tier
      metadata: {name: platform}
      spec: {}
      """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    let security = try #require(result.cluster.tiers["security"])
    #expect(security.order == 100)
    #expect(security.defaultAction == .pass)
    let platform = try #require(result.cluster.tiers["platform"])
    #expect(platform.order == nil)
    #expect(platform.defaultAction == .deny)
  }

  @Test("FelixConfiguration default sets failsafe ports and defaultEndpointToHostAction")
  func felixConfiguration() {
    let result = load(
      """
      apiVersion: projectcalico.org/v3
      kind: FelixConfiguration
      metadata: {name: default}
      spec:
        defaultEndpointToHostAction: Accept
        failsafeInboundHostPorts:
        - {protocol: TCP, port: 2222}
        - {protocol: UDP, port: 68, net: 10.0.0.0/8}
        failsafeOutboundHostPorts: []
      """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    let felix = result.cluster.felix
    #expect(felix.endpointToHostAction == .accept)
    #expect(
      felix.failsafeInbound == [
        FailsafePort(.tcp, 2222), FailsafePort(.udp, 68, net: CIDR("10.0.0.0/8")),
      ])
    #expect(felix.failsafeOutbound.isEmpty)
    #expect(felix.location?.line == 1)
  }

  @Test("without FelixConfiguration the Felix defaults apply")
  func felixDefaults() {
    let felix = load("").cluster.felix
    #expect(felix == .defaults)
    #expect(felix.failsafeInbound.contains(FailsafePort(.tcp, 22)))
    #expect(felix.failsafeOutbound.contains(FailsafePort(.udp, 53)))
  }

  @Test("a node-specific FelixConfiguration is ignored with a warning")
  func nodeFelixConfiguration() {
    let result = load(
      """
      apiVersion: projectcalico.org/v3
      kind: FelixConfiguration
      metadata: {name: node.worker}
      spec: {defaultEndpointToHostAction: Drop}
      """)
    #expect(result.cluster.felix == .defaults)
    #expect(result.diagnostics.map(\.severity) == [.warning])
  }
}

@Suite("Loader: files, documents and lists")
struct DocumentTests {
  // The apiVersion decides which NetworkPolicy a document is.
  @Test(
    "apiVersion decides between Kubernetes and Calico NetworkPolicy",
    arguments: [
      ("networking.k8s.io/v1", PolicyKind.networkPolicy, "default", 1000.0),
      ("projectcalico.org/v3", PolicyKind.calicoNetworkPolicy, "default", nil),
    ])
  func networkPolicyKind(_ apiVersion: String, _ kind: PolicyKind, _ tier: String, _ order: Double?)
    throws
  {
    let spec =
      kind == .networkPolicy ? "podSelector: {}" : "selector: all()"
    let result = load(
      """
      apiVersion: \(apiVersion)
      kind: NetworkPolicy
      metadata: {name: p, namespace: prod}
      spec:
        \(spec)
      """)
    let policy = try #require(result.cluster.policies.first)
    #expect(policy.id == PolicyID(kind: kind, namespace: "prod", name: "p"))
    #expect(policy.tier == tier)
    #expect(policy.order == order)
  }

  @Test("kind: List and kind: *List load their items")
  func lists() {
    let result = load(
      """
      apiVersion: v1
      kind: List
      items:
      - apiVersion: v1
        kind: Namespace
        metadata: {name: a}
      - apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: a}
        spec: {containers: [{name: p}]}
      ---
      apiVersion: v1
      kind: PodList
      items:
      - apiVersion: v1
        kind: Pod
        metadata: {name: q, namespace: a}
        spec: {containers: [{name: q}]}
      """)
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(result.cluster.namespaces["a"]?.isDeclared == true)
    #expect(result.cluster.endpoints.map(\.id) == ["a/p", "a/q"])
  }

  @Test("every document of a file loads, and so does every file")
  func multipleDocumentsAndFiles() {
    let result = load(files: [
      (
        "one.yaml",
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: a}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: b}
        """
      ),
      ("two.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: c}\n"),
    ])
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(Set(result.cluster.namespaces.keys) == ["a", "b", "c"])
    #expect(result.cluster.namespaces["b"]?.location?.line == 5)
    #expect(result.cluster.namespaces["b"]?.location?.document == 1)
    #expect(result.cluster.namespaces["c"]?.location?.file == "two.yaml")
  }

  @Test("JSON is read as YAML")
  func json() {
    let result = load(
      #"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "j"}}"#, file: "ns.json")
    #expect(result.diagnostics.isEmpty, "\(describe(result.diagnostics))")
    #expect(result.cluster.namespaces["j"] != nil)
  }

  static let podsWithoutIPs = """
    apiVersion: v1
    kind: Pod
    metadata: {name: a, namespace: prod}
    spec: {containers: [{name: a}]}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: b, namespace: prod}
    spec: {containers: [{name: b}]}
    """

  @Test("pods without status.podIP get deterministic addresses inside the pod CIDR")
  func syntheticAddresses() throws {
    var options = LoadOptions()
    options.podCIDR = CIDR("10.99.0.0/16")!
    let first = load(Self.podsWithoutIPs, options: options)
    let again = load(Self.podsWithoutIPs, options: options)
    let addresses = first.cluster.endpoints.compactMap(\.address)
    #expect(addresses.count == 2)
    #expect(addresses == again.cluster.endpoints.compactMap(\.address))
    #expect(Set(addresses).count == 2)
    for endpoint in first.cluster.endpoints {
      #expect(endpoint.hasSyntheticAddress)
      let address = try #require(endpoint.address)
      #expect(options.podCIDR.contains(address), "\(address) is outside \(options.podCIDR)")
      #expect(address != options.podCIDR.address, "the network address is never used")
    }
    // Adding a pod does not move the others.
    let more = load(
      Self.podsWithoutIPs
        + "\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: c, namespace: prod}\nspec: {containers: [{name: c}]}\n",
      options: options)
    #expect(more.cluster.endpoint("prod/a")?.address == first.cluster.endpoint("prod/a")?.address)
    #expect(more.cluster.endpoint("prod/b")?.address == first.cluster.endpoint("prod/b")?.address)
  }

  @Test("the default pod CIDR is 10.244.0.0/16")
  func defaultPodCIDR() throws {
    let address = try #require(load(Self.podsWithoutIPs).cluster.endpoint("prod/a")?.address)
    #expect(CIDR("10.244.0.0/16")!.contains(address))
  }

  @Test("a made-up address never takes a real pod's address")
  func syntheticAvoidsRealAddresses() throws {
    let synthetic = try #require(load(Self.podsWithoutIPs).cluster.endpoint("prod/a")?.address)
    let result = load(
      Self.podsWithoutIPs
        + "\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: real, namespace: prod}\n"
        + "spec: {containers: [{name: r}]}\nstatus: {podIP: \(synthetic)}\n")
    #expect(result.cluster.endpoint("prod/real")?.address == synthetic)
    #expect(result.cluster.endpoint("prod/a")?.address != synthetic)
  }

  @Test("an undeclared namespace is created with a warning where it is first used")
  func undeclaredNamespace() throws {
    let result = load(
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: p, namespace: ghost}
      spec: {containers: [{name: p}]}
      """)
    let namespace = try #require(result.cluster.namespaces["ghost"])
    #expect(!namespace.isDeclared)
    #expect(
      namespace.selectorLabels == [
        "kubernetes.io/metadata.name": "ghost", "projectcalico.org/name": "ghost",
      ])
    #expect(result.diagnostics.count == 1)
    let warning = try #require(result.diagnostics.first)
    #expect(warning.severity == .warning)
    #expect(
      warning.message
        == "namespace `ghost` is not declared; it was created with only its name label")
    #expect(warning.location?.line == 1)
  }

  @Test("a namespaced object without namespace lands in default")
  func defaultNamespace() {
    let result = load(
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: p}
      spec: {containers: [{name: p}]}
      """)
    #expect(result.cluster.endpoint("default/p") != nil)
  }

  @Test("an unknown kind is skipped with one warning per kind")
  func unknownKind() {
    let result = load(
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: a}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: b}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: kept}
      """)
    #expect(result.cluster.namespaces["kept"] != nil)
    #expect(
      result.diagnostics.map(\.message)
        == ["kind `ConfigMap` of `v1` is not used by the matrix and was skipped (2 objects)"])
    #expect(result.diagnostics.first?.severity == .warning)
  }

  @Test("endpoints are listed hosts first, then workloads by namespace, then network sets")
  func endpointOrder() {
    let result = Inventory()
      .pod("zeta/a")
      .pod("alpha/b")
      .host("h", node: "n", expectedIPs: ["172.18.0.9"])
      .with(
        """
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkSet
        metadata: {name: ext}
        spec: {nets: [192.0.2.0/24]}
        """
      )
      .load()
    #expect(result.cluster.endpoints.map(\.id) == ["host/h", "alpha/b", "zeta/a", "net/ext"])
  }
}
