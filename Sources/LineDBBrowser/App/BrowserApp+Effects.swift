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
            // A save running in the background ends first (App/BackgroundSave.swift).
            if backgroundSave != nil {
                state.quitWhenSaved(discarding: true)
                return false
            }
            return true
        case .save(let changes, let thenQuit):
            return startSave(changes, thenQuit: thenQuit, on: &state, terminal: terminal)
        case .checkpoint:
            return startCheckpoint(on: &state, terminal: terminal)
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
        case .recordHistory(let table, let key):
            readRecordHistory(table: table, key: key, on: &state)
        case .buildAsOf(let moment, let generation):
            startAsOfBuild(moment, generation: generation)
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
}
