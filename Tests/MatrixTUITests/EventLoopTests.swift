import Glibc
import Testing

@testable import MatrixTUI

/// A signal source backed by a real pipe, to exercise the poll() path.
private final class PipeSource: SignalSource {
  let readEnd: Int32
  let writeEnd: Int32

  init() {
    var ends: [Int32] = [-1, -1]
    _ = pipe(&ends)
    readEnd = ends[0]
    writeEnd = ends[1]
    _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)
  }

  deinit {
    close(readEnd)
    close(writeEnd)
  }

  func send(_ kind: SignalKind) {
    var byte = UInt8(kind.signalNumber)
    _ = write(writeEnd, &byte, 1)
  }

  var fileDescriptor: Int32? { readEnd }

  func drainSignals() -> [SignalKind] {
    var result: [SignalKind] = []
    var byte: UInt8 = 0
    while read(readEnd, &byte, 1) == 1 {
      if let kind = SignalKind(signalNumber: Int32(byte)) { result.append(kind) }
    }
    return result
  }
}

@Suite struct EventLoopTests {
  @Test func returnsScriptedInputInOrderWithoutWaiting() {
    let terminal = FakeTerminal(script: [.keys([.char("j"), .char("k")]), .keys([.enter])])
    let watcher = FakeWatcher()
    let signals = FakeSignals()
    let loop = EventLoop(terminal: terminal, watcher: watcher, signals: signals)
    watcher.enqueue(FileChange(path: "a.yaml", kind: .modified))
    signals.enqueue(.interrupt)
    #expect(
      loop.next(timeoutMs: -1) == [
        .signal(.interrupt), .key(.char("j")), .key(.char("k")),
        .filesChanged([FileChange(path: "a.yaml", kind: .modified)]),
      ])
    #expect(loop.next(timeoutMs: -1) == [.key(.enter)])
    #expect(loop.next(timeoutMs: 0) == [])
  }

  @Test func suspendIsHandledByTheLoop() {
    let terminal = FakeTerminal()
    let signals = FakeSignals([[.suspend, .resume, .windowChanged]])
    let loop = EventLoop(terminal: terminal, signals: signals)
    #expect(loop.next(timeoutMs: 0) == [.resumed])
    #expect(terminal.suspendCount == 1)
  }

  @Test func resizesAreReportedOnceAndChangeTheSize() {
    let terminal = FakeTerminal(width: 80, height: 24, script: [.resize(width: 100, height: 30)])
    let loop = EventLoop(terminal: terminal)
    #expect(loop.next(timeoutMs: 0) == [.key(.resize)])
    #expect(terminal.size.width == 100 && terminal.size.height == 30)
  }

  @Test func waitsOnDescriptorsAndWakesWhenOneIsReady() {
    let terminal = FakeTerminal()
    let source = PipeSource()
    let loop = EventLoop(terminal: terminal, signals: source)
    let clock = SystemClock()
    var start = clock.now
    #expect(loop.next(timeoutMs: 30) == [])
    #expect(clock.now - start >= 0.025)
    source.send(.terminate)
    start = clock.now
    #expect(loop.next(timeoutMs: 5000) == [.signal(.terminate)])
    #expect(clock.now - start < 1)
  }

  @Test func pollingWatcherCapsTheWait() throws {
    let clock = FixedClock()
    let watcher = PollingWatcher(clock: clock, interval: 0.5)
    let loop = EventLoop(terminal: FakeTerminal(), watcher: watcher, pollIntervalMs: 10)
    let start = SystemClock().now
    #expect(loop.next(timeoutMs: -1) == [])
    #expect(SystemClock().now - start < 2)
  }

  @Test func pollerReportsReadyDescriptors() {
    let a = PipeSource()
    let b = PipeSource()
    b.send(.hangup)
    #expect(Poller.readable([a.readEnd, b.readEnd], timeoutMs: 1000) == [b.readEnd])
    #expect(Poller.readable([a.readEnd], timeoutMs: 0) == [])
  }
}

/// Real signal delivery; serialized because handlers are process-wide.
@Suite(.serialized) struct SignalHandlingTests {
  @Test func handlersWriteToThePipeAndUninstallRestores() throws {
    var before = sigaction()
    _ = sigaction(SIGWINCH, nil, &before)
    let handling = try SignalHandling.install([.hangup, .windowChanged, .resume])
    #expect(throws: SignalHandling.InstallError.alreadyInstalled) {
      _ = try SignalHandling.install()
    }
    raise(SIGHUP)
    raise(SIGWINCH)
    raise(SIGCONT)
    let fd = try #require(handling.fileDescriptor)
    #expect(Poller.readable([fd], timeoutMs: 1000) == [fd])
    #expect(handling.drainSignals() == [.hangup, .windowChanged, .resume])
    #expect(handling.drainSignals() == [])

    let loop = EventLoop(terminal: FakeTerminal(), signals: handling)
    raise(SIGHUP)
    #expect(loop.next(timeoutMs: 1000) == [.signal(.hangup)])

    handling.uninstall()
    handling.uninstall()
    #expect(handling.fileDescriptor == nil)
    var after = sigaction()
    _ = sigaction(SIGWINCH, nil, &after)
    // Back to what it was (the default action: no handler).
    #expect(
      (after.__sigaction_handler.sa_handler == nil)
        == (before.__sigaction_handler.sa_handler == nil))
    let again = try SignalHandling.install([.windowChanged])
    again.uninstall()
  }

  @Test func signalKindNumbers() {
    #expect(SignalKind(signalNumber: SIGINT) == .interrupt)
    #expect(SignalKind.terminate.exitStatus == 128 + SIGTERM)
    #expect(SignalKind(signalNumber: SIGUSR1) == nil)
  }
}
