// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "LineDB",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LineDB", targets: ["LineDB"]),
        .executable(name: "linedb", targets: ["linedb"]),
        .executable(name: "persistence-example", targets: ["persistence-example"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        // `swift package generate-documentation --target LineDB` (the DocC catalog in Sources/LineDB/LineDB.docc).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The storage engine. Knows nothing of terminals.
        .target(
            name: "LineDB",
            dependencies: [
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "CSV", package: "CSV.swift"),
            ]
        ),
        // The terminal browser's state, layout and rendering into a character grid: plain Swift, no curses,
        // testable without a terminal.
        .target(name: "LineDBBrowser", dependencies: ["LineDB"]),
        // ncurses (wide-character build), as the system provides it: `libncurses-dev` on Debian/Ubuntu.
        // No `pkgConfig:`: SwiftPM would drop its -D flags with a warning on every build; shim.h defines what is
        // needed and `link "ncursesw"` links on its own.
        .systemLibrary(name: "CNcursesw", providers: [.apt(["libncurses-dev"])]),
        // What Swift cannot import from ncurses (attribute macros, getmaxyx, stdscr) and the C side of restoring
        // the terminal: signal handlers and the stderr log.
        .target(name: "CCursesShim", linkerSettings: [.linkedLibrary("ncursesw")]),
        // The command line (and the browser's terminal front end: Terminal/CursesTerminal.swift).
        .executableTarget(
            name: "linedb",
            dependencies: [
                "LineDB", "LineDBBrowser", "CNcursesw", "CCursesShim", "CSQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // A writer process for the crash tests: writes, prints an ACK per durable write, gets SIGKILLed.
        .executableTarget(name: "linedb-crash-writer", dependencies: ["LineDB"], path: "Tests/CrashWriter"),
        // The seed's example_persistence.py as a Swift program: `swift run persistence-example`.
        .executableTarget(name: "persistence-example", dependencies: ["LineDB"], path: "Examples/persistence-example"),
        // libsqlite3, as the system provides it (`libsqlite3-dev`): `linedb export-sqlite`/`import-sqlite` and the
        // benchmark's peer.
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // Benchmarks: `swift run -c release linedb-bench` (LineDB and SQLite on the same workload).
        .executableTarget(
            name: "linedb-bench", dependencies: ["LineDB", "LineDBBrowser", "CSQLite"],
            path: "Benchmarks/linedb-bench"),
        .testTarget(name: "LineDBTests", dependencies: ["LineDB"]),
        .testTarget(name: "LinedbCLITests", dependencies: ["LineDB"]),
        .testTarget(name: "LineDBBrowserTests", dependencies: ["LineDBBrowser", "LineDB"]),
        // The built `linedb` driven in a real terminal (tmux): the browser's exit paths, resize, read-only.
        .testTarget(name: "LinedbEndToEndTests", dependencies: ["LineDB"]),
    ]
)
