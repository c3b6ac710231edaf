#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LineDB

/// The recovery file of unsaved changes: when SIGTERM or SIGHUP ends a browser that has pending (unsaved) edits,
/// they are written to `<db>/.linedb-pending-<pid>.json` before the terminal is restored, and the next browser on
/// that database says that such a file exists. Nothing applies the file automatically: it holds what the user had
/// not saved, for them to redo (or delete).
///
/// The file is one pretty JSON object: `database`, `pid`, `signal` (`"SIGTERM"`), `written` (ISO 8601 UTC) and
/// `changes`, oldest first, each `{"table", "operation": "UPDATE"|"INSERT"|"DELETE", "key", ...}` with `column`,
/// `old` and `new` for an update and `record` for an insert or a delete.
public enum PendingRecovery {
    /// The prefix and suffix of recovery file names in the database directory.
    public static let prefix = ".linedb-pending-"
    public static let suffix = ".json"

    /// Writes `changes` to `<databasePath>/.linedb-pending-<pid>.json` (or, for a database in memory or when that
    /// fails, the same name in the temporary directory) and returns the path.
    public static func write(_ changes: [Change], databasePath: String?, signal: Int32) throws -> String {
        var object = JSONObject()
        object["database"] = databasePath.map(JSONValue.string) ?? .null
        object["pid"] = .int(Int(getpid()))
        object["signal"] = .string(signal == SIGTERM ? "SIGTERM" : signal == SIGHUP ? "SIGHUP" : "signal \(signal)")
        object["written"] = .string(ISO8601DateFormatter().string(from: Date()))
        object["changes"] = .array(changes.map(json))
        let data = Data((JSONWriter.encodePretty(.object(object)) + "\n").utf8)
        let name = prefix + "\(getpid())" + suffix
        if let databasePath {
            let path = databasePath + "/" + name
            if (try? data.write(to: URL(fileURLWithPath: path), options: .atomic)) != nil { return path }
        }
        let directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let fallback = directory + "/" + name
        try data.write(to: URL(fileURLWithPath: fallback), options: .atomic)
        return fallback
    }

    /// One change as the recovery file holds it.
    static func json(_ change: Change) -> JSONValue {
        var object = JSONObject()
        object["table"] = .string(change.table)
        object["operation"] = .string(change.operation)
        object["key"] = change.key
        switch change.kind {
        case .update(_, let column, let old, let new):
            object["column"] = .string(change.columns[column])
            object["old"] = old
            object["new"] = new
        case .insert(let row), .delete(let row):
            object["record"] = .object(change.record(of: row))
        }
        return .object(object)
    }

    /// The recovery files in the database directory, by name.
    public static func files(in databasePath: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: databasePath)) ?? []
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) }.sorted()
    }

    /// The status-line notice about recovery files in the database directory, or `nil` when there are none.
    public static func notice(in databasePath: String) -> String? {
        let names = files(in: databasePath)
        guard let first = names.first else { return nil }
        let more = names.count > 1 ? " (and \(names.count - 1) more)" : ""
        return "unsaved changes of a browser ended by a signal are in \(first)\(more): not applied; redo them, "
            + "then delete the file"
    }
}
