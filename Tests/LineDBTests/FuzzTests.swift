import Foundation
import Testing
@testable import LineDB

/// Test D7: random single-byte damage (bit flips, inserted bytes, deleted bytes) to each file type, with
/// fixed seeds. Every outcome must be a correct open or a clear refusal that changes nothing; never a trap; and
/// damage to a WAL line that a later line proves was synced is always detected.
@Suite("D7: fuzz")
struct FuzzTests {
    /// Mutations per file type: a third each of bit flips, inserted bytes and deleted bytes.
    static let iterations = 1_200

    enum Mutation: CustomStringConvertible {
        case flip(offset: Int, bit: UInt8)
        case insert(offset: Int, byte: UInt8)
        case delete(offset: Int)

        var offset: Int {
            switch self {
            case .flip(let o, _), .insert(let o, _), .delete(let o): return o
            }
        }

        var description: String {
            switch self {
            case .flip(let o, let b): return "flip bit \(b) at byte \(o)"
            case .insert(let o, let b): return "insert 0x\(String(b, radix: 16)) at byte \(o)"
            case .delete(let o): return "delete byte \(o)"
            }
        }

        func apply(_ bytes: [UInt8]) -> [UInt8] {
            var out = bytes
            switch self {
            case .flip(let o, let b): out[o] ^= 1 << b
            case .insert(let o, let b): out.insert(b, at: o)
            case .delete(let o): out.remove(at: o)
            }
            return out
        }

        /// Iteration `i` picks the kind round-robin; offsets and values come from `rng`. Inserted bytes favour the
        /// characters that matter to the format (newline, quote, braces, digits, NUL).
        static func random(_ i: Int, length: Int, rng: inout SeededRandom) -> Mutation {
            switch i % 3 {
            case 0:
                return .flip(offset: Int.random(in: 0..<length, using: &rng), bit: UInt8.random(in: 0..<8, using: &rng))
            case 1:
                let special: [UInt8] = Array("\n\"{}:,0 ".utf8) + [0, 0xC3, 0xFF]
                let byte = Bool.random(using: &rng)
                    ? special.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
                return .insert(offset: Int.random(in: 0...length, using: &rng), byte: byte)
            default:
                return .delete(offset: Int.random(in: 0..<length, using: &rng))
            }
        }
    }

    /// The 0-based line of `bytes` that holds `offset` (an offset at the end counts as one past the last line).
    static func lineIndex(of offset: Int, in bytes: [UInt8]) -> Int {
        bytes[..<min(offset, bytes.count)].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
    }

    /// Writes `files` (relative path → bytes) into `root`, replacing what is there, and removes `quarantine/`.
    static func restore(_ root: String, _ files: [String: [UInt8]]) {
        try? FileManager.default.removeItem(atPath: root + "/quarantine")
        for (rel, bytes) in files { FaultHelpers.write(root + "/" + rel, bytes) }
    }

    struct Counts: CustomStringConvertible {
        var refused = 0, tornTail = 0, unchanged = 0, other = 0
        var description: String { "refused \(refused), torn tail \(tornTail), harmless \(unchanged), other \(other)" }
    }

    @Test("D7: 1,200 random flips, inserts and deletes in the WAL: a synced line's damage is always refused (files unchanged), last-line damage is a torn tail only when it leaves the line incomplete or holding NULs (else refused), nothing else changes the data")
    func fuzzWAL() throws {
        let dir = ScratchDir("d7-wal")
        do {
            let db = try Database(path: dir.db)
            try db.createTable(studentSchema)
            try db.insert("student", ["name": "Ann", "email": "ann@u", "gpa": 3.5])
            try db.insert("student", ["name": "Zoë 😀", "email": "zoe@u"])
            try db.insert("student", ["name": "Cid", "email": "cid@u"])
            try db.update("student", key: 2, set: ["gpa": 1.25])
            try db.delete("student", key: 1)
            try db.insert("student", ["name": "Dee", "email": "dee@u"])
            try db.close()
        }
        let pristine = FaultHelpers.snapshot(dir.db)
        let wal = pristine["wal/transaction.log"]!
        let lines = FaultHelpers.splitLines(wal)
        let full = try FaultHelpers.openState(dir.db)
        FaultHelpers.write(dir.db + "/wal/transaction.log", FaultHelpers.joinLines(Array(lines.dropLast())))
        let withoutLast = try FaultHelpers.openState(dir.db)

        var rng = SeededRandom(seed: 0xD7_0001)
        var counts = Counts()
        var failures: [String] = []
        for i in 0..<Self.iterations {
            let mutation = Mutation.random(i, length: wal.count, rng: &rng)
            let line = Self.lineIndex(of: mutation.offset, in: wal)
            let inLastLine = line >= lines.count - 1
            Self.restore(dir.db, pristine)
            FaultHelpers.write(dir.db + "/wal/transaction.log", mutation.apply(wal))
            let before = FaultHelpers.snapshot(dir.db)
            let label = "#\(i) \(mutation) (line \(line + 1) of \(lines.count))"
            do {
                let db = try Database(path: dir.db)
                let state = try FaultHelpers.state(db)
                try db.close()
                if state == full {
                    counts.unchanged += 1
                } else if inLastLine && state == withoutLast {
                    counts.tornTail += 1
                    // What a torn append leaves: an incomplete last line, or NUL bytes. A complete line without
                    // them was written whole; cutting it off loses an acknowledged write.
                    let tail = mutation.apply(wal)[FaultHelpers.joinLines(Array(lines.dropLast())).count...]
                    if tail.last == 10 && !tail.contains(0) {
                        failures.append("\(label): a complete damaged last line was cut off as a torn append")
                    }
                } else {
                    counts.other += 1
                    failures.append("\(label): opened with different data: \(state)")
                }
                for problem in FaultHelpers.fileProblems(dir.db) { failures.append("\(label): \(problem)") }
            } catch {
                counts.refused += 1
                let text = FaultHelpers.text(error)
                guard case .corrupt? = error as? LineDBError else {
                    failures.append("\(label): refused with an unclear error: \(text)")
                    continue
                }
                if !text.contains("wal/transaction.log:") || !text.contains("(byte ") {
                    failures.append("\(label): the refusal does not name line and byte: \(text)")
                }
                if FaultHelpers.snapshot(dir.db) != before { failures.append("\(label): a refused open changed files") }
            }
        }
        print("D7 WAL: \(Self.iterations) mutations: \(counts)")
        #expect(counts.refused > Self.iterations / 2)
        #expect(failures.isEmpty, "\(failures.count) failures:\n\(failures.prefix(20).joined(separator: "\n"))")
    }

    /// Fuzzes `target` (relative to the database) in a database built by `setup`; the refusal must name one of
    /// `names`. A successful open must be stable: reopening gives the same data, and (every 20th time) a save
    /// then a reopen too.
    private func fuzzFile(_ target: String, seed: UInt64, names: [String], setup: (String) throws -> Void) throws {
        let dir = ScratchDir("d7-file")
        try setup(dir.db)
        let pristine = FaultHelpers.snapshot(dir.db)
        let original = pristine[target]!
        var rng = SeededRandom(seed: seed)
        var counts = Counts()
        var failures: [String] = []
        for i in 0..<Self.iterations {
            let mutation = Mutation.random(i, length: original.count, rng: &rng)
            Self.restore(dir.db, pristine)
            FaultHelpers.write(dir.db + "/" + target, mutation.apply(original))
            let before = FaultHelpers.snapshot(dir.db)
            let label = "#\(i) \(mutation)"
            do {
                let db = try Database(path: dir.db)
                let state = try FaultHelpers.state(db)
                // Every setup checkpoints: the WAL inserts nothing, so a cut line is a saved record, never a torn
                // append to drop with a warning.
                if let dropped = db.warnings.first(where: { $0.contains(".records") && ($0.contains("torn last record")
                    || $0.contains("torn append") || $0.contains("incomplete last record")) })
                {
                    failures.append("\(label): a saved record was dropped as a torn append: \(dropped)")
                }
                if i % 20 == 0 {
                    try db.save()
                    try db.close()
                    for problem in FaultHelpers.fileProblems(dir.db) { failures.append("\(label): \(problem)") }
                } else {
                    try db.close()
                }
                let again = try FaultHelpers.openState(dir.db)
                if again != state { failures.append("\(label): reopening gave different data") }
                counts.unchanged += 1
            } catch {
                counts.refused += 1
                let text = FaultHelpers.text(error)
                if !(error is LineDBError) || !names.contains(where: { text.contains($0) }) {
                    failures.append("\(label): the refusal does not name the file: \(text)")
                }
                if FaultHelpers.snapshot(dir.db) != before { failures.append("\(label): a refused open changed files") }
            }
        }
        print("D7 \(target): \(Self.iterations) mutations: refused \(counts.refused), opened \(counts.unchanged)")
        #expect(counts.refused > 0)
        #expect(failures.isEmpty, "\(failures.count) failures:\n\(failures.prefix(20).joined(separator: "\n"))")
    }

    /// The student schema with a fixed creation time, so that the schema file's bytes (and the fuzz run) are the
    /// same every time.
    static let fixedSchema = try! TableSchema(
        "student", columns: studentSchema.columns, createdAt: "2026-01-22T20:31:17.592172")

    /// Five saved students, checkpointed: the records file is the only copy of the data.
    private static func savedStudents(_ path: String) throws {
        let db = try Database(path: path)
        try db.createTable(fixedSchema)
        let people = [("Ann", "ann@u"), ("Bob", "bob@u"), ("Zoë 😀", "zoe@u"), ("Dee", "dee@u"), ("Eve", "e@u")]
        for (name, email) in people {
            try db.insert("student", ["name": .string(name), "email": .string(email), "gpa": 2.5])
        }
        try db.checkpoint()
        try db.close()
    }

    @Test("D7: 1,200 random flips, inserts and deletes in a records file: a correct, stable open or a refusal naming the file, changing nothing; a cut last line (the WAL inserts nothing after the checkpoint) is refused, never dropped as a torn append")
    func fuzzRecords() throws {
        try fuzzFile("data/student.records", seed: 0xD7_0002, names: ["data/student.records"],
                     setup: Self.savedStudents)
    }

    @Test("D7: 1,200 random flips, inserts and deletes in a schema file: a correct, stable open or a refusal naming the file, changing nothing")
    func fuzzSchema() throws {
        try fuzzFile("schema/student.schema.json", seed: 0xD7_0003,
                     names: ["schema/student.schema.json", "data/student.records"], setup: Self.savedStudents)
    }

    /// Six saved words whose string keys and UNIQUE tags differ only in Unicode form (`K` and the Kelvin sign,
    /// `café` NFC and NFD, `Å` and the Angstrom sign), checkpointed.
    private static func savedLookalikes(_ path: String) throws {
        let db = try Database(path: path)
        try db.createTable(TableSchema("word", columns: [
            Column("w", .str, primaryKey: true), Column("tag", .str, unique: true),
        ], createdAt: "2026-01-22T20:31:17.592172"))
        let words = [
            ("K", "\u{212A}"), ("\u{212A}", "K"), ("caf\u{E9}", "cafe\u{301}"), ("cafe\u{301}", "caf\u{E9}"),
            ("\u{C5}", "A\u{30A}"), ("\u{212B}", "\u{C5}"),
        ]
        for (w, tag) in words { try db.insert("word", ["w": .string(w), "tag": .string(tag)]) }
        try db.checkpoint()
        try db.close()
    }

    @Test("D7: 1,200 random flips, inserts and deletes in a records file of keys and UNIQUE values that differ only in Unicode form: a correct, stable open or a refusal naming the file")
    func fuzzRecordsWithLookalikeKeys() throws {
        try fuzzFile("data/word.records", seed: 0xD7_0004, names: ["data/word.records"], setup: Self.savedLookalikes)
    }
}
