extension FileDecoder {
  /// A Calico IPPool: its block, `natOutgoing` and `disabled`.
  mutating func decodeIPPool(_ object: ObjectHeader, _ spec: YAMLNode?, _ context: inout DecodeContext) {
    guard let spec else {
      context.error("IPPool `\(object.name)` has no `spec.cidr`", at: object.node)
      return
    }
    guard let node = spec["cidr"], let text = context.string(node, "spec.cidr") else {
      context.error("IPPool `\(object.name)` has no `spec.cidr`", at: spec)
      return
    }
    guard let cidr = CIDR(text) else {
      context.error("invalid CIDR `\(text)`", at: node)
      return
    }
    let pool = IPPool(
      name: object.name, cidr: cidr, natOutgoing: context.bool(spec["natOutgoing"], "natOutgoing") ?? false,
      disabled: context.bool(spec["disabled"], "disabled") ?? false, location: object.location)
    define("calico/IPPool//\(object.name)", "IPPool `\(object.name)`", at: object.location, .ipPool(pool))
  }

  /// A FelixConfiguration's `natOutgoingExclusions` (nil when absent or wrong).
  mutating func natOutgoingExclusions(_ spec: YAMLNode?, _ context: inout DecodeContext) -> NATOutgoingExclusions? {
    guard let node = spec?["natOutgoingExclusions"], let text = context.string(node, "natOutgoingExclusions") else {
      return nil
    }
    guard let value = NATOutgoingExclusions(rawValue: text) else {
      context.error("unknown `natOutgoingExclusions` `\(text)` (expected IPPoolsOnly or IPPoolsAndHostIPs)", at: node)
      return nil
    }
    return value
  }
}
