import Foundation
import LineDB

/// Builds the demo database: a small university (students, instructors, courses, enrolments) with names in many
/// scripts (accents, Greek, Cyrillic, CJK, Arabic, emoji, combining marks), nulls, every column type, a WAL of a few
/// hundred entries (inserts, updates, deletes) and one archived WAL.
///
/// Deterministic: the same bytes on every run, on any machine. The records come from a fixed-seed SplitMix64; the
/// tables' `created_at` are fixed; the WAL runs with `syncMode = .full` (so every line's `synced` follows from the
/// order of the writes, not from a flusher thread) and with ``DemoClock`` as its clock (so its timestamps and the
/// archive's name are fixed too). Nothing depends on the system's clock, the time zone or the locale.
///
/// Compiled into `linedb` (the fallback when its resource bundle is missing) and into `make-demo` (which writes the
/// package resource `Resources/university`), through the symbolic link `Tools/make-demo/Demo`.
enum UniversityDemo {
    /// The number of students before the WAL's additions (enrolments are three times as many).
    static let studentCount = 2_000

    /// Writes the demo database into `path`, which must not exist or be an empty directory; its parent directories
    /// are created. Leaves no `.lock` behind: the result is ready to be copied.
    static func generate(into path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        var options = DatabaseOptions()
        options.snapshots = false  // the bundled demo is its text files only (a checkpoint after `linedb demo` writes them)
        options.syncMode = .full
        options.autoCheckpointBytes = nil
        options.clock = DemoClock()
        options.gzipArchives = false  // the demo's archive stays plain text, for the README's `cat` and `grep`
        options.inPlaceSaves = false  // its records files are written whole: no padding in the first file a user opens
        let db = try Database(path: path, options: options)
        do {
            try fill(db)
            try db.close()
        } catch {
            try? db.close()
            throw error
        }
        // An archive's index sidecar holds the archive file's identity (inode, modification time): never the same
        // twice. The demo ships without it (deleting it loses nothing; `linedb check --repair-index` writes one).
        let wal = path + "/wal"
        for name in try FileManager.default.contentsOfDirectory(atPath: wal) where name.hasSuffix(".idx") {
            try FileManager.default.removeItem(atPath: wal + "/" + name)
        }
        try? FileManager.default.removeItem(atPath: path + "/.lock")
    }

    /// Deterministic choices over the engine's SplitMix64.
    struct Generator {
        var random: SplitMix64
        init(state: UInt64) { random = SplitMix64(seed: state) }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + random.below(range.count) }
        mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
        mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
    }

    static let givenNames = [
        "Alice", "Bob", "Carol", "Dmitri", "Élodie", "François", "Zoë", "Søren", "Łukasz", "Ἀλέξανδρος", "Иван",
        "Анна", "Mei", "李雷", "韩梅梅", "山田", "さくら", "지민", "Ahmed", "فاطمة", "Nguyễn", "Siobhán", "José",
        "Renée", "Ólafur", "Chloé", "Noël", "Priya", "Kwame", "Aroha", "Zoe\u{308}", "Jose\u{301}",
    ]
    static let familyNames = [
        "Johnson", "Smith", "García", "Müller", "Dubois", "Rossi", "Kowalski", "O'Brien", "Ng", "Tanaka", "王",
        "김", "Ivanova", "Haddad", "Nakamura", "da Silva", "Øvergaard", "Núñez", "Björk", "Şahin", "Van der Berg",
    ]
    /// Nicknames some people go by, written between the given and the family name. One code point each: terminals
    /// disagree on the width of joined sequences (👩‍🔬) and skin tones, so the demo's columns would not line up.
    static let nicknames = ["🦊", "🌻", "🐼", "🚀", "🎸", "🌈", "🦉", "🎨"]
    static let subjects = [
        ("CS", "Computer Science"), ("MA", "Mathematics"), ("PH", "Physics"), ("LI", "Linguistics"),
        ("HI", "History"), ("MU", "Music"), ("BI", "Biology"), ("EC", "Economics"),
    ]
    static let topics = [
        "Introduction to", "Advanced", "Seminar in", "Foundations of", "Topics in", "Workshop:", "History of",
    ]
    static let emoji = ["📚", "🎓", "🧪", "🎻", "🌍", "💡", "🧮", "✨"]

    /// The tables' `created_at`: the timestamps ``DemoClock`` gives their `CREATE_TABLE` lines (the first four
    /// writes).
    static func createdAt(_ table: Int) -> String { DemoClock.timestamp(reading: table).description }

    /// Creates the tables and writes the records, the checkpoint and the WAL's updates and deletes.
    private static func fill(_ db: Database) throws {
        var g = Generator(state: 20_260_122)
        try db.createTable(TableSchema("instructor", columns: [
            Column("id", .int, primaryKey: true),
            Column("name", .str, nullable: false),
            Column("email", .str, unique: true),
            Column("department", .str),
            Column("hired", .date),
            Column("office", .json),
        ], createdAt: createdAt(0)))
        try db.createTable(TableSchema("course", columns: [
            Column("id", .int, primaryKey: true),
            Column("code", .str, nullable: false, unique: true),
            Column("title", .str, nullable: false),
            Column("credits", .int, default: 5),
            Column("instructor_id", .int),
            Column("online", .bool, default: false),
            Column("tags", .json),
        ], createdAt: createdAt(1)))
        try db.createTable(TableSchema("student", columns: [
            Column("id", .int, primaryKey: true),
            Column("name", .str, nullable: false),
            Column("email", .str, unique: true),
            Column("gpa", .float, default: 0.0),
            Column("active", .bool, default: true),
            Column("enrolled", .datetime),
            Column("birthday", .date),
            Column("profile", .json),
        ], createdAt: createdAt(2)))
        try db.createTable(TableSchema("enrolment", columns: [
            Column("id", .int, primaryKey: true),
            Column("student_id", .int, nullable: false),
            Column("course_id", .int, nullable: false),
            Column("term", .str, nullable: false),
            Column("grade", .float),
            Column("registered_at", .datetime, nullable: false),
        ], createdAt: createdAt(3)))

        func person() -> String {
            let given = g.pick(givenNames)
            let nickname = g.chance(4) ? " \(g.pick(nicknames))" : ""
            return "\(given)\(nickname) \(g.pick(familyNames))"
        }
        func email(_ name: String, _ i: Int, _ domain: String) -> String {
            // Latin letters lose their accents (é → e, ł → l, ø → o); other scripts are left out.
            let special: [Character: String] = ["ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d"]
            let latin = name.lowercased().decomposedStringWithCanonicalMapping.map { special[$0] ?? String($0) }
            let ascii = latin.joined().unicodeScalars.filter { $0.isASCII && $0.properties.isAlphabetic }
            let stem = String(String.UnicodeScalarView(ascii.prefix(12)))
            return "\(stem.isEmpty ? "user" : stem)\(i)@\(domain)"
        }
        func date(_ year: ClosedRange<Int>) -> String {
            "\(g.int(year))-\(two(g.int(1...12)))-\(two(g.int(1...28)))"
        }
        func time() -> String { "\(two(g.int(8...18))):\(two(g.int(0...59))):\(two(g.int(0...59)))" }

        var instructors: [Record] = []
        for i in 1...40 {
            let name = person()
            let (code, dept) = g.pick(subjects)
            instructors.append([
                "name": .string(name), "email": .string(email(name, i, "faculty.example.edu")),
                "department": g.chance(5) ? nil : .string(dept), "hired": .string(date(1990...2025)),
                "office": g.chance(20) ? nil : ["building": .string("\(code) Hall"), "room": .int(g.int(100...499))],
            ])
        }
        try db.insert("instructor", records: instructors)

        var courses: [Record] = []
        for i in 1...60 {
            let (code, subject) = subjects[i % subjects.count]
            var tags: [JSONValue] = [.string(subject.lowercased())]
            if g.chance(30) { tags.append(.string(g.pick(emoji))) }
            courses.append([
                "code": .string("\(code)\(100 + i)"), "title": .string("\(g.pick(topics)) \(subject)"),
                "credits": .int(g.pick([3, 5, 5, 7, 10])), "instructor_id": g.chance(8) ? nil : .int(g.int(1...40)),
                "online": .bool(g.chance(25)), "tags": .array(tags),
            ])
        }
        try db.insert("course", records: courses)

        let students = studentCount
        var studentRecords: [Record] = []
        for i in 1...students {
            let name = person()
            var profile: JSONValue = nil
            if g.chance(60) {
                profile = [
                    "languages": .array([.string(g.pick(["en", "fr", "de", "zh", "ja", "ko", "ar", "es"]))]),
                    "mentor": g.chance(50) ? .int(g.int(1...40)) : nil,
                    "motto": g.chance(20) ? .string("\(g.pick(emoji)) \(g.pick(topics)) life") : nil,
                ]
            }
            studentRecords.append([
                "name": .string(name), "email": g.chance(3) ? nil : .string(email(name, i, "students.example.edu")),
                "gpa": g.chance(5) ? nil : .double(Double(g.int(150...400)) / 100),
                "active": .bool(!g.chance(10)),
                "enrolled": .string("\(date(2019...2025))T\(time())"),
                "birthday": g.chance(10) ? nil : .string(date(1985...2007)), "profile": profile,
            ])
        }
        try db.insert("student", records: studentRecords)

        var enrolments: [Record] = []
        let terms = ["2024-autumn", "2025-spring", "2025-autumn"]
        for _ in 1...(students * 3) {
            enrolments.append([
                "student_id": .int(g.int(1...students)), "course_id": .int(g.int(1...60)),
                "term": .string(g.pick(terms)),
                "grade": g.chance(40) ? nil : .double(Double(g.int(10...60)) / 10),
                "registered_at": .string("\(date(2024...2025))T\(time()).\(100_000 + g.int(0...899_999))"),
            ])
        }
        try db.insert("enrolment", records: enrolments)

        // Saved and archived: the first WAL becomes transaction.<stamp>.log.
        try db.checkpoint()

        // A WAL of a few hundred entries: new students, grade changes, withdrawals.
        for i in 0..<120 {
            let name = person()
            try db.insert("student", [
                "name": .string(name), "email": .string(email(name, students + 1 + i, "students.example.edu")),
                "gpa": .double(Double(g.int(200...400)) / 100), "enrolled": .string("2025-09-0\(1 + i % 9)T09:00:00"),
            ])
        }
        for _ in 0..<150 {
            let key = g.int(1...(students * 3))
            if try db.get("enrolment", key: .int(key)) != nil {
                try db.update("enrolment", key: .int(key), set: ["grade": .double(Double(g.int(10...60)) / 10)])
            }
        }
        for _ in 0..<40 {
            let key = g.int(1...students)
            if try db.get("student", key: .int(key)) != nil {
                try db.update("student", key: .int(key), set: ["active": false])
            }
        }
        for _ in 0..<30 {
            let key = g.int(1...(students * 3))
            if try db.get("enrolment", key: .int(key)) != nil { try db.delete("enrolment", key: .int(key)) }
        }
        try db.save()
    }

    /// `n` as two digits.
    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
