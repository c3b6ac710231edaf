import LineDB

/// Student-like records (about 100 bytes each as a JSON line): `id` (int primary key, assigned by the database),
/// `name` (str, about a third non-ASCII), `email` (str, UNIQUE), `gpa` (float), `active` (bool) and
/// `enrolled` (datetime string). Record `i` is always the same (the values are derived from `i`), so LineDB and
/// SQLite get identical input and later phases can make fresh records without keeping a list.
enum Students {
    static let table = "student"

    /// The LineDB schema.
    static func schema() throws -> TableSchema {
        try TableSchema(table, columns: [
            Column("id", .int, primaryKey: true),
            Column("name", .str, nullable: false),
            Column("email", .str, unique: true),
            Column("gpa", .float),
            Column("active", .bool),
            Column("enrolled", .datetime),
        ])
    }

    /// The same table for SQLite.
    static let sqliteSchema = """
        CREATE TABLE student(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE, gpa REAL,
                             active INTEGER, enrolled TEXT)
        """

    /// The prepared insert for SQLite (the database assigns `id`, as LineDB does).
    static let sqliteInsert =
        "INSERT INTO student(name, email, gpa, active, enrolled) VALUES(?, ?, ?, ?, ?)"

    private static let first = [
        "Ana", "José", "Zoë", "Łukasz", "Søren", "Amélie", "Björn", "Chloé", "Dmitri", "Émile", "Fatima",
        "Gökhan", "Hana", "Ingrid", "Jürgen", "Kenji", "Leïla", "Mateo", "Nadia", "Oğuz", "Priya", "Quentin",
        "Renée", "Wei", "Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace", "Henry", "Isla", "Jack", "Kate",
        "Liam",
    ]
    private static let last = [
        "García", "Müller", "Nowak", "Øberg", "Dubois", "Rossi", "Kowalski", "Smith", "Jones", "Brown", "Lee",
        "Wang", "Novák", "Szabó", "Jensen", "Silva", "Costa", "Ivanov", "Yılmaz", "Tanaka", "Khan", "Moreau",
    ]

    /// A 64-bit mix of `i` (SplitMix64's finaliser), the source of every "random" field.
    @inline(__always)
    private static func mix(_ i: Int) -> UInt64 {
        var z = UInt64(bitPattern: Int64(i)) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// Record number `i` (without `id`: the database assigns it, so record `i` of a bulk load gets key `i + 1`).
    static func record(_ i: Int) -> Record {
        let r = mix(i)
        let f = first[Int(r % UInt64(first.count))]
        let l = last[Int((r >> 8) % UInt64(last.count))]
        let gpa = Double((r >> 16) % 301 + 100) / 100  // 1.00 ... 4.00
        let year = 2015 + Int((r >> 28) % 10)
        let month = 1 + Int((r >> 32) % 12)
        let day = 1 + Int((r >> 36) % 28)
        let hour = Int((r >> 41) % 24)
        let minute = Int((r >> 46) % 60)
        var record = Record(minimumCapacity: 5)
        record["name"] = .string("\(f) \(l)")
        record["email"] = .string("s\(i)@uni.edu")
        record["gpa"] = .double(gpa)
        record["active"] = .bool((r >> 52) & 7 != 0)
        record["enrolled"] = .string("\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):00")
        return record
    }

    /// Records `range`.
    static func records(_ range: Range<Int>) -> [Record] {
        var out: [Record] = []
        out.reserveCapacity(range.count)
        for i in range { out.append(record(i)) }
        return out
    }

    /// The email of record `i` (for lookups by the UNIQUE column).
    static func email(_ i: Int) -> String { "s\(i)@uni.edu" }
}
