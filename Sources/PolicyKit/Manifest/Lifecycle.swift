/// Whether a pod or workload of a dump runs pods now, as its `status` and `spec` say: a pod
/// that finished or has no address yet, a workload scaled to zero, and a Job that finished or
/// is suspended make no endpoint. Hand-written manifests (no `status` at all) always run.
enum Lifecycle {
  /// Why `object` makes no endpoint, or nil when it does.
  static func leftOutReason(_ object: ObjectHeader, _ context: inout DecodeContext) -> String? {
    let node = object.node
    switch (object.group, object.kind) {
    case ("", "Pod"):
      return podReason(node["status"], context: &context)
    case ("", "ReplicationController"), ("apps", "Deployment"), ("apps", "StatefulSet"),
      ("apps", "ReplicaSet"):
      let replicas = context.integer(node["spec"]?["replicas"], "spec.replicas", in: 0...Int(Int32.max))
      return replicas == 0 ? "replicas: 0" : nil
    case ("batch", "Job"):
      return jobReason(node, context: &context)
    case ("batch", "CronJob"):
      return node["spec"]?["suspend"]?.scalar == "true" ? "suspended CronJob" : nil
    default:
      return nil
    }
  }

  /// A pod that finished (`Succeeded`, `Failed`) is gone from the network; one whose status
  /// has a phase but no address (`Pending`) is not on it yet. A pod without a status, or
  /// with an empty one (`kubectl --dry-run` writes `status: {}`), is a manifest: it runs.
  private static func podReason(_ status: YAMLNode?, context: inout DecodeContext) -> String? {
    guard let status, status.mapping != nil else { return nil }
    let phase = status["phase"]?.scalar ?? ""
    if phase == "Succeeded" || phase == "Failed" { return "finished (phase \(phase))" }
    guard !phase.isEmpty else { return nil }
    let hasAddress =
      ListItemType.written(status["podIP"]) != nil
      || (status["podIPs"]?.sequence?.contains { ListItemType.written($0["ip"]) != nil } ?? false)
    return hasAddress ? nil : "no address yet (phase \(phase))"
  }

  /// A Job that finished (a true `Complete` or `Failed` condition; or, with no pod active,
  /// `succeeded` reaching `completions`, or `failed` past `backoffLimit`) or is suspended
  /// runs no pods.
  private static func jobReason(_ job: YAMLNode, context: inout DecodeContext) -> String? {
    let spec = job["spec"]
    if spec?["suspend"]?.scalar == "true" { return "suspended Job" }
    guard let status = job["status"], status.mapping != nil else { return nil }
    for condition in status["conditions"]?.sequence ?? []
    where condition["status"]?.scalar == "True" {
      if let type = condition["type"]?.scalar, type == "Complete" || type == "Failed" {
        return "finished Job (\(type))"
      }
    }
    let counts = 0...Int(Int32.max)
    guard (context.integer(status["active"], "status.active", in: counts) ?? 0) == 0 else { return nil }
    let succeeded = context.integer(status["succeeded"], "status.succeeded", in: counts) ?? 0
    let completions = context.integer(spec?["completions"], "spec.completions", in: counts) ?? 1
    if succeeded > 0, succeeded >= completions { return "finished Job (\(succeeded) succeeded)" }
    let failed = context.integer(status["failed"], "status.failed", in: counts) ?? 0
    let backoffLimit = context.integer(spec?["backoffLimit"], "spec.backoffLimit", in: counts) ?? 6
    if failed > backoffLimit { return "finished Job (\(failed) failed)" }
    return nil
  }
}
