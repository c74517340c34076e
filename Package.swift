// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "matrix-tui",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "matrix-tui", targets: ["MatrixTUI"]),
    .library(name: "PolicyKit", targets: ["PolicyKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2")
  ],
  targets: [
    // No pkgConfig: ncursesw.pc only adds -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=600, which SwiftPM
    // drops with a warning; the headers are in the default include path and the module map
    // names the libraries to link.
    .systemLibrary(
      name: "CNcurses",
      providers: [.apt(["libncurses-dev"])]
    ),
    .target(
      name: "PolicyKit",
      dependencies: [.product(name: "Yams", package: "Yams")],
      exclude: ["README.md"]
    ),
    .executableTarget(
      name: "MatrixTUI",
      dependencies: [
        "PolicyKit",
        "CNcurses",
      ]
    ),
    .testTarget(name: "PolicyKitTests", dependencies: ["PolicyKit"], exclude: ["Scenarios"]),
    .testTarget(name: "MatrixTUITests", dependencies: ["MatrixTUI", "PolicyKit"], exclude: ["Snapshots"]),
  ]
)
