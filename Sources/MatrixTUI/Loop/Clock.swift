#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A source of monotonic time in seconds (a port: `SystemClock`, and `FixedClock` in tests).
///
/// Used for debouncing reloads and pacing `PollingWatcher`. Only differences between two
/// readings mean anything. This shadows the standard library's `Clock` inside this module.
protocol Clock: AnyObject {
  /// Seconds since an arbitrary fixed point; never goes backwards.
  var now: Double { get }
}

/// The real monotonic clock (`CLOCK_MONOTONIC`).
final class SystemClock: Clock {
  init() {}

  var now: Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1_000_000_000
  }
}
