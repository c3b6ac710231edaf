import Foundation
@testable import LineDB

/// A fresh temporary directory per test, removed at the end (GRDB's per-test database).
final class TempDir {
    let path: String

    init(_ label: String = "linedb") {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/\(label)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The database directory inside.
    var db: String { path + "/db" }

    func read(_ relative: String) -> String {
        (try? String(contentsOfFile: path + "/" + relative, encoding: .utf8)) ?? ""
    }

    func bytes(_ relative: String) -> [UInt8] {
        (FileManager.default.contents(atPath: path + "/" + relative)).map { Array($0) } ?? []
    }

    func write(_ relative: String, _ text: String) {
        let full = path + "/" + relative
        try! FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! text.write(toFile: full, atomically: false, encoding: .utf8)
    }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + relative) }

    func list(_ relative: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path + "/" + relative)) ?? []).sorted()
    }

    /// Lines of a file (without the empty string after the last newline).
    func lines(_ relative: String) -> [String] {
        read(relative).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// SHA-like fingerprint of every file under the directory, to prove "nothing changed".
    func snapshot() -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        let e = FileManager.default.enumerator(atPath: path)
        while let rel = e?.nextObject() as? String {
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path + "/" + rel, isDirectory: &isDir)
            if !isDir.boolValue && !rel.hasSuffix(".lock") { result[rel] = bytes(rel) }
        }
        return result
    }
}

/// The seed's student table.
let studentSchema = try! TableSchema("student", columns: [
    Column("id", .int, primaryKey: true),
    Column("name", .str, nullable: false),
    Column("email", .str, unique: true),
    Column("gpa", .float, default: 0.0),
])
