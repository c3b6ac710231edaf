import Foundation
import LineDB

/// Carrying out the state's effects against the database.
extension BrowserApp {
    /// Performs one effect; returns `true` when the browser must quit.
    func perform(_ effect: Effect, on state: inout BrowserState, terminal: Terminal) -> Bool {
        switch effect {
        case .editRecord(let key, let text):
            editRecord(key: key, text: text, on: &state, terminal: terminal)
        case .quit:
            return true
        case .save(let changes, let thenQuit):
            return save(changes, thenQuit: thenQuit, on: &state)
        case .checkpoint:
            do {
                let summary = try database.checkpoint()
                let archive = summary.archive.map { "WAL archived to wal/\($0)" } ?? "nothing to archive"
                state.reload(context: database)
                state.say("checkpoint done: records files written, \(archive)")
            } catch {
                state.fail("checkpoint failed: \(error)")
            }
        case .export(let table, let path, let format, let overwrite):
            let file = BrowserApp.absolutePath(path)
            guard exportTargetIsFree(file, table: table, format: format, overwrite: overwrite, on: &state) else {
                return false
            }
            do {
                let n = try database.export(table, to: file, format: format)
                var text = "exported \(n) record\(n == 1 ? "" : "s") of \(table) to \(file) (\(format.rawValue))"
                let unsaved = state.pendingCount(of: table)
                if unsaved > 0 { text += "; \(unsaved) unsaved change\(unsaved == 1 ? "" : "s") not included" }
                state.say(text)
            } catch {
                state.fail("export failed: \(error)")
            }
        case .exportSheet(let export):
            let file = BrowserApp.absolutePath(export.path)
            guard exportTargetIsFree(file, table: export.schema.name, format: export.format,
                                     overwrite: export.overwrite, on: &state) else { return false }
            do {
                let n = try database.export(rows: export.rows, schema: export.schema, to: file, format: export.format)
                state.say("exported \(n) row\(n == 1 ? "" : "s") of the \(state.sheet?.label ?? "view of " + export.schema.name) to \(file) "
                          + "(\(export.format.rawValue))")
            } catch {
                state.fail("export failed: \(error)")
            }
        case .query(let sql):
            runQuery(sql, on: &state)
        case .copyToClipboard(let text):
            terminal.copyToClipboard(text)
        case .takeOver:
            takeOver(on: &state)
        }
        return false
    }

    /// Whether an export may write `file`: not a directory (refused), and not an existing file unless
    /// `overwrite` (then the state asks first).
    private func exportTargetIsFree(
        _ file: String, table: String, format: ExportFormat, overwrite: Bool, on state: inout BrowserState
    ) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else { return true }
        if isDirectory.boolValue {
            state.fail("export: \(file) is a directory; give a file name (x to try again)")
            return false
        }
        if !overwrite {
            state.say("")
            state.mode = .confirm(.overwriteExport(table: table, path: file, format: format))
            return false
        }
        return true
    }

    /// `path` as an absolute path: `~` and `~/…` are the home directory, a relative path is from the current
    /// directory; `.` and `..` are resolved.
    static func absolutePath(_ path: String) -> String {
        var p = path
        if p == "~" || p.hasPrefix("~/") {
            p = FileManager.default.homeDirectoryForCurrentUser.path + p.dropFirst()
        }
        if !p.hasPrefix("/") { p = FileManager.default.currentDirectoryPath + "/" + p }
        return URL(fileURLWithPath: p).standardizedFileURL.path
    }

    /// Writes the changes in one transaction (all or nothing), then saves the table files.
    private func save(_ changes: [Change], thenQuit: Bool, on state: inout BrowserState) -> Bool {
        do {
            try database.transaction { tx in
                for change in changes {
                    switch change.kind {
                    case .update(let key, let column, _, let new):
                        try tx.update(change.table, key: key, set: [change.columns[column]: new])
                    case .insert(let row):
                        try tx.insert(change.table, change.record(of: row))
                    case .delete:
                        try tx.delete(change.table, key: change.key)
                    }
                }
            }
        } catch {
            state.fail("not saved, nothing was written: \(error)")
            return false
        }
        do {
            _ = try database.save()
        } catch {
            state.didSave(changes.count, context: database)
            state.fail("the changes are in the WAL, but writing the records files failed: \(error)")
            return false
        }
        state.didSave(changes.count, context: database)
        return thenQuit
    }
}
