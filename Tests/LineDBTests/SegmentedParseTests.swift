import Foundation
import Testing
@testable import LineDB

/// The records file is read and parsed in segments that end at line breaks (so the whole file is never in memory):
/// whatever the segment size, the rows, the bad lines and their line numbers and offsets must be those of one parse
/// of the whole file.
@Suite("Parsing a records file in segments")
struct SegmentedParseTests {
    private let schema = try! TableSchema("t", columns: [
        Column("id", .int, primaryKey: true), Column("name", .str), Column("score", .float),
    ])

    /// One parse of all of `bytes`, as a list of rows and (absolute line, absolute start, end, kind) events.
    private func parse(_ bytes: [UInt8], segmentBytes: Int) throws -> (rows: [Row], events: [String], bom: Bool) {
        let dir = TempDir()
        let path = dir.path + "/t.records"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let io = RealFileIO.shared
        let fd = try io.open(path, flags: O_RDONLY, mode: 0)
        defer { try? io.close(fd, path: path) }
        var rows: [Row] = []
        var events: [String] = []
        var bom = false
        var lineBase = 0
        try RecordsFileParser.parse(io: io, fd: fd, path: path, schema: schema, segmentBytes: segmentBytes) { chunk in
            if chunk.hadBOM { bom = true }
            for e in chunk.events {
                let kind: String
                switch e.kind {
                case .blank(let n): kind = "blank \(n)"
                case .bad: kind = "bad"
                }
                let text = String(decoding: chunk.bytes[e.start..<e.end], as: UTF8.self)
                events.append(
                    "line \(lineBase + e.line) row \(rows.count + e.rowsBefore) at \(chunk.base + e.start)"
                        + " complete \(e.complete) \(kind) \(text)")
            }
            rows += chunk.rows
            lineBase += chunk.lines
        }
        return (rows, events, bom)
    }

    private var sample: [UInt8] {
        var text = "\u{FEFF}"
        for i in 1...300 {
            switch i {
            case 17: text += "{\"id\": 17, \"name\": \"broken\n"  // a bad line
            case 40: text += "   \n"  // a blank line
            case 41: text += "{\"id\":41,\"name\":\"crlf ✓\",\"score\":1.5}\r\n"
            case 200: text += "{\"id\":200,\"name\":\"\(String(repeating: "long ", count: 400))\",\"score\":null}\n"
            default: text += "{\"id\":\(i),\"name\":\"name \(i) é 漢\",\"score\":\(Double(i) / 4)}\n"
            }
        }
        text += "{\"id\":301,\"name\":\"torn"  // an unterminated last line
        return Array(text.utf8)
    }

    @Test("every segment size gives the rows, line numbers and offsets of a whole-file parse")
    func segmentSizesAgree() throws {
        let bytes = sample
        let whole = try parse(bytes, segmentBytes: bytes.count + 1)
        #expect(whole.rows.count == 298)  // 301 lines: one bad, one blank, one torn
        #expect(whole.bom)
        #expect(whole.events.count == 3)
        #expect(whole.events[0].hasPrefix("line 17 row 16 at "))
        #expect(whole.events[2].hasPrefix("line 301 row 298 at ") && whole.events[2].contains("complete false bad"))
        // The offset names the line's first byte in the file.
        let offset = Int(whole.events[0].split(separator: " ")[5])!
        #expect(String(decoding: bytes[offset..<(offset + 9)], as: UTF8.self) == "{\"id\": 17")
        for size in [1, 7, 64, 100, 1000, 4096, bytes.count - 1, bytes.count] {
            let part = try parse(bytes, segmentBytes: size)
            #expect(part.rows == whole.rows, "segment size \(size)")
            #expect(part.events == whole.events, "segment size \(size)")
            #expect(part.bom, "segment size \(size)")
        }
    }

    @Test("opening reports its progress through each records file, ending at the file's size")
    func progressIsReported() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(schema)
        try db.insert("t", records: (1...30_000).map { ["id": .int($0), "name": .string("n\($0)"), "score": .double(1)] })
        try db.save()
        try db.close()
        let size = dir.bytes("db/data/t.records").count
        #expect(size > 4 << 20 || size > 100_000)
        let seen = ProgressLog()
        var options = DatabaseOptions()
        options.loadProgress = { p in seen.lock.withLock { seen.items.append(p) } }
        let reopened = try Database(path: dir.db, options: options)
        #expect(try reopened.count("t") == 30_000)
        let progress = seen.lock.withLock { seen.items }
        #expect(progress.first == LoadProgress(table: "t", bytesRead: 0, totalBytes: size))
        #expect(progress.last == LoadProgress(table: "t", bytesRead: size, totalBytes: size))
        #expect(zip(progress, progress.dropFirst()).allSatisfy { $0.bytesRead <= $1.bytesRead })
    }
}

private final class ProgressLog: @unchecked Sendable {
    let lock = PThreadMutex()
    var items: [LoadProgress] = []
}
