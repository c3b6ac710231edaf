#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LineDB

/// `E`: running `$EDITOR` on the current record.
extension BrowserApp {
    /// Writes `text` to a temporary file, gives the terminal to `$EDITOR` (default `vi`) on it, waits for the
    /// editor, and hands the file as it was left to the state. The file is removed afterwards.
    func editRecord(key: JSONValue, text: String, on state: inout BrowserState, terminal: Terminal) {
        // A refused edit opens the editor again on the user's text (the reason at the top), until it goes through
        // or the user leaves the text as it was (given up).
        var text = text
        for _ in 0..<100 {
            guard let again = editRecordOnce(key: key, text: text, on: &state, terminal: terminal) else { return }
            text = again
        }
    }

    /// One round of ``editRecord(key:text:on:terminal:)``: the text to open again after a refusal, or `nil`.
    private func editRecordOnce(key: JSONValue, text: String, on state: inout BrowserState, terminal: Terminal)
        -> String?
    {
        let directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let path = directory + "/linedb-record-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).json"
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            state.fail("cannot write the temporary file \(path) for the editor; nothing changed")
            return nil
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = terminal.suspend { Self.runEditor(on: path) }
        if let failure = outcome {
            state.fail("\(failure); record not changed")
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            state.fail("the editor left no file at \(path); record not changed")
            return nil
        }
        guard let edited = String(data: data, encoding: .utf8) else {
            state.fail("the edited file is not UTF-8; record not changed")
            return nil
        }
        if case .editRecord(_, let again)? = state.finishRecordEdit(key: key, original: text, edited: edited).first {
            return again
        }
        return nil
    }

    /// The editor command: `$EDITOR` (split by the shell, so `EDITOR="code -w"` works), else `vi`.
    static var editorCommand: String {
        let editor = ProcessInfo.processInfo.environment["EDITOR"] ?? ""
        return editor.trimmingCharacters(in: .whitespaces).isEmpty ? "vi" : editor
    }

    /// Runs the editor on `path` in this terminal (same process group, so it can read the keyboard) and waits for
    /// it. Returns why it failed, or `nil`.
    static func runEditor(on path: String) -> String? {
        let command = editorCommand
        // `$1` is the file, never parsed by the shell; the editor command is, like git does with $EDITOR.
        let arguments = ["/bin/sh", "-c", command + " \"$1\"", "sh", path]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, &argv, environ)
        guard spawned == 0 else { return "cannot start the editor (\(command)): \(String(cString: strerror(spawned)))" }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return "lost the editor (\(command)): \(String(cString: strerror(errno)))" }
        }
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        if !exited { return "the editor (\(command)) was killed by signal \(status & 0x7f)" }
        if code != 0 { return "the editor (\(command)) exited with status \(code)" }
        return nil
    }
}
