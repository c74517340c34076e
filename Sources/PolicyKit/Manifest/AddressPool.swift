/// Where pods without an address get a made-up one: the pool's offsets 1 to `size` (network
/// and broadcast aside), each pod's first choice from a hash of its id, then the next ones in
/// turn, around the pool.
struct AddressPool {
  let cidr: CIDR
  /// The number of addresses in the block.
  let count: UInt64
  /// The number of offsets pods get (0: the block is too small).
  let size: UInt64

  init(_ cidr: CIDR) {
    self.cidr = cidr
    let hostBits = cidr.address.bitWidth - cidr.prefix
    count = hostBits >= 63 ? UInt64.max : UInt64(1) << UInt64(hostBits)
    size = count > 2 ? count - 2 : 0
  }

  /// The offset a pod with `id` tries first.
  func first(_ id: String) -> UInt64 { 1 + fnv1a(id) % size }

  /// The offset tried after `offset`.
  func next(_ offset: UInt64) -> UInt64 { 1 + offset % size }

  func address(_ offset: UInt64) -> IPAddress { cidr.address.adding(offset) }

  /// The offset of `address`, when it is one pods get (IPv4 blocks).
  func offset(_ address: IPAddress) -> UInt64? {
    guard size > 0, cidr.address.isIPv4, cidr.contains(address) else { return nil }
    let offset = address.low &- cidr.address.low
    return (1...size).contains(offset) ? offset : nil
  }
}

/// The 64-bit FNV-1a hash of `text`: stable across runs and platforms (unlike `Hasher`).
func fnv1a(_ text: String) -> UInt64 {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for byte in text.utf8 {
    hash ^= UInt64(byte)
    hash = hash &* 0x100_0000_01b3
  }
  return hash
}
