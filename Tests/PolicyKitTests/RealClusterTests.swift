import Testing

@testable import PolicyKit

// What dumps of real clusters hold and hand-written manifests do not: typed lists whose items
// name no kind.

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
    #expect(result.cluster.policies.map(\.id) == [PolicyID(kind: .globalNetworkPolicy, namespace: nil, name: "deny-all")])
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
    #expect(result.diagnostics.map(\.description) == ["test.yaml:4:3: error: missing `apiVersion` for kind `Namespace`"])
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
