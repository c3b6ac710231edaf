import Foundation
import Testing
import LineDB

/// `x` (export) and `c` (checkpoint) in the real browser: the files they write.
@Suite(
    "linedb browse in a terminal: export and checkpoint", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct ExportCheckpointTests {
    /// `x`, the format's key, then the path prompt: `path` typed over the default, or the default accepted (nil).
    /// Returns the path as the prompt showed it or as typed, and the screen once the export is reported.
    private func export(
        _ session: TmuxSession, formatKey: String, formatName: String, path: String?
    ) throws -> (path: String, screen: [String]) {
        try session.send("x")
        let formats = try session.waitForScreen { screen in
            let hint = screen.last ?? ""
            return hint.contains("j JSON") && hint.contains("l JSONL") && hint.contains("c CSV")
        }
        try #require(formats.met, "x did not offer the formats:\n\(shown(formats.screen))")
        try session.send(formatKey)
        let prompt = "Export as \(formatName) to: "
        let asked = try session.waitForScreen { $0.last?.hasPrefix(prompt) ?? false }
        try #require(asked.met, "no path prompt for \(formatName):\n\(shown(asked.screen))")
        let defaultPath = String((asked.screen.last ?? "").dropFirst(prompt.count))
            .trimmingCharacters(in: .whitespaces)
        if let path {
            try session.send("C-u")  // the line editor: clear the default
            try session.send("-l", path)
        }
        try session.send("Enter")
        let done = try session.waitForScreen { statusLine($0).contains("exported ") || statusLine($0).contains("failed") }
        try #require(done.met, "the export was not reported:\n\(shown(done.screen))")
        return (path ?? defaultPath, done.screen)
    }

    /// A path the browser was given, as a file: relative paths are from the browser's directory (the scratch one).
    private func resolve(_ path: String, in scratch: Scratch) -> String {
        path.hasPrefix("/") ? path : scratch.path + "/" + path
    }

    @Test("x exports the table as JSON, JSON Lines (the default path) and CSV; the status line says where and how many")
    func exportThreeFormats() throws {
        let scratch = Scratch()
        // Wide, so that the status line's message (with an absolute path) is not clipped.
        let (session, _) = try openDemoBrowser(scratch, table: "course", width: 250)
        defer { session.stop() }
        try FileManager.default.createDirectory(atPath: scratch.path + "/out", withIntermediateDirectories: true)

        // JSON, to a typed absolute path: an array of the 60 records.
        let jsonPath = scratch.path + "/out/course-export.json"
        var (path, screen) = try export(session, formatKey: "j", formatName: "json", path: jsonPath)
        var status = statusLine(screen)
        #expect(status.contains("exported 60 records") && status.contains("course-export.json"), "\(status)")
        // The JSON format (as `linedb export` writes it): {"table": ..., "count": n, "records": [...]}.
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: jsonPath)))
        let document = try #require(object as? [String: Any], "not a JSON object: \(jsonPath)")
        #expect(document["table"] as? String == "course")
        #expect(intValue(document["count"]) == 60)
        let json = try #require(document["records"] as? [[String: Any]], "no records array: \(document.keys)")
        #expect(json.count == 60)
        #expect(json.compactMap { intValue($0["id"]) } == Array(1...60))
        #expect(json.first?["code"] as? String == "MA101")

        // JSON Lines, the default path accepted: one record per line.
        (path, screen) = try export(session, formatKey: "l", formatName: "jsonl", path: nil)
        status = statusLine(screen)
        #expect(path.hasSuffix(".jsonl"), "default path \(path)")
        let jsonlPath = resolve(path, in: scratch)
        #expect(status.contains("exported 60 records"), "\(status)")
        #expect(status.contains(URL(fileURLWithPath: jsonlPath).lastPathComponent), "\(status)")
        let lines = try jsonLines(jsonlPath)
        #expect(lines.count == 60)
        #expect(lines.compactMap { intValue($0["id"]) } == Array(1...60))

        // CSV, to a typed relative path: a header and 60 rows.
        (path, screen) = try export(session, formatKey: "c", formatName: "csv", path: "out/course.csv")
        status = statusLine(screen)
        #expect(status.contains("exported 60 records") && status.contains("course.csv"), "\(status)")
        let csv = scratch.read("out/course.csv")
        let rows = csv.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(rows.count == 61, "\(csv.prefix(500))")
        #expect(rows.first == "id,code,title,credits,instructor_id,online,tags", "\(rows.first ?? "")")
        #expect(rows.dropFirst().first?.hasPrefix("1,MA101,Seminar in Mathematics,5,") ?? false, "\(rows.dropFirst().first ?? "")")

        // Exporting changes no file of the database.
        #expect(!statusLine(screen).contains("pending"))
        try session.quit()
    }

    @Test("c then y checkpoints: the WAL is archived as wal/transaction.<stamp>.log.gz and a new one starts with CHECKPOINT")
    func checkpoint() throws {
        let scratch = Scratch()
        let (session, db) = try openDemoBrowser(scratch, table: "course")
        defer { session.stop() }
        let wal = db + "/wal"
        let archivesBefore = Set(try FileManager.default.contentsOfDirectory(atPath: wal))
            .filter { $0 != "transaction.log" && !$0.hasSuffix(".idx") }
        let walBefore = scratch.read("uni/wal/transaction.log")
        let entriesBefore = try jsonLines(wal + "/transaction.log").count
        try #require(entriesBefore > 100, "the demo's WAL has \(entriesBefore) entries")

        try session.send("c")
        let question = try session.waitForScreen { screen in
            let hint = screen.last ?? ""
            return hint.lowercased().contains("checkpoint") && hint.contains("y yes")
        }
        #expect(question.met, "c did not ask:\n\(shown(question.screen))")
        // Asking changes nothing.
        #expect(scratch.read("uni/wal/transaction.log") == walBefore)
        try session.send("y")
        let done = try session.waitForText("checkpoint done")
        #expect(done.met, "\(shown(done.screen))")
        // The WAL pane now holds the new WAL's one entry.
        let pane = try session.waitForScreen { screen in
            screen.contains { $0.contains("WAL: entry 1 of 1") } && screen.contains { $0.contains("CHECKP") }
        }
        #expect(pane.met, "the WAL pane did not follow the checkpoint:\n\(shown(pane.screen))")

        // One new archive, holding what the WAL held.
        let archivesAfter = Set(try FileManager.default.contentsOfDirectory(atPath: wal))
            .filter { $0 != "transaction.log" && !$0.hasSuffix(".idx") }  // not the archive's index sidecar
        let added = archivesAfter.subtracting(archivesBefore)
        #expect(added.count == 1, "\(archivesBefore) → \(archivesAfter)")
        let archive = try #require(added.first)
        // Gzipped at checkpoint (DatabaseOptions.gzipArchives): transaction.<stamp>.log.gz.
        #expect(archive.hasPrefix("transaction.") && archive.hasSuffix(".log.gz"))
        let stamp = archive.dropFirst("transaction.".count).dropLast(".log.gz".count)
        #expect(stamp.count >= 8 && stamp.contains { $0.isNumber }, "\(archive)")
        let archived = String(decoding: try Gzip.decompress(
            Array(FileManager.default.contents(atPath: wal + "/" + archive) ?? Data()), path: archive), as: UTF8.self)
        #expect(archived.split(separator: "\n").count == entriesBefore)
        #expect(archived.hasPrefix(walBefore), "the archive is not the old WAL")
        // The new WAL: small, one CHECKPOINT entry that names the archive.
        let attributes = try FileManager.default.attributesOfItem(atPath: wal + "/transaction.log")
        #expect((attributes[.size] as? NSNumber)?.intValue ?? .max < 2_000, "\(attributes[.size] ?? "?")")
        let entries = try jsonLines(wal + "/transaction.log")
        #expect(entries.count == 1, "\(entries)")
        #expect(entries.first?["operation"] as? String == "CHECKPOINT", "\(entries)")
        // It names the archive by its plain name (written before the archive was gzipped).
        #expect((entries.first?["record"] as? [String: Any])?["previous"] as? String == String(archive.dropLast(3)), "\(entries)")
        // The database is whole: the records files have everything, as another process sees.
        let stats = try Programs.linedb(["check", db])
        #expect(stats.status == 0, "\(stats)")
        let select = try Programs.linedb(["select", db, "course"])
        #expect(select.stdout.split(separator: "\n").count == 60, "\(select)")

        try session.quit()
    }
}
