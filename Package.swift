// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "LineDB",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LineDB", targets: ["LineDB"]),
        .executable(name: "linedb", targets: ["linedb"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        // The storage engine. Knows nothing of terminals.
        .target(
            name: "LineDB",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]
        ),
        // The command line (and, later, the browser).
        .executableTarget(
            name: "linedb",
            dependencies: ["LineDB", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "LineDBTests", dependencies: ["LineDB"]),
        .testTarget(name: "LinedbCLITests", dependencies: ["LineDB"]),
    ]
)
