// The seed's example_persistence.py, in Swift: a short tour of LineDB's persistence.
//
//     swift run persistence-example
//
// Run from any directory: it works in ./data/university and exports into ./exports/. A ./data/university that an
// earlier run left is removed first, so every run starts the same; any other one (the `linedb demo` database, say) is
// left alone and the example stops. Each section is one use case the seed lists for its example; the last one,
// "Handle save errors", makes a save fail for real without touching anything outside the example's process (a
// file size limit on the process itself, as a full disk would fail the write).

import Foundation
import LineDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let basePath = "./data"
let databasePath = "./data/university"
/// Marks a database this example made, so that a later run may remove it and no other.
let marker = databasePath + "/.persistence-example"

// MARK: - The tables, as the seed's @table @dataclass

/// The seed's `Student`: `id` the primary key (assigned on insert), `name` NOT NULL, `email` UNIQUE, `gpa`
/// defaulting to 0.0.
struct Student: TableRecord {
    var id: Int?
    var name: String
    var email: String
    var gpa: Double = 0.0

    static let columnOptions: [ColumnOption] = [
        .primaryKey(CodingKeys.id),
        .unique(CodingKeys.email),
        .default(CodingKeys.gpa, 0.0),
    ]
}

/// The seed's `Course`, with an optional title.
struct Course: TableRecord {
    var id: Int?
    var code: String
    var title: String?

    static let columnOptions: [ColumnOption] = [.primaryKey(CodingKeys.id), .unique(CodingKeys.code)]
}

struct TourError: Error, CustomStringConvertible {
    var description: String
}

// MARK: - Printing

func heading(_ number: Int, _ title: String) {
    print("")
    print("\(number). \(title)")
    print(String(repeating: "-", count: "\(number). \(title)".count))
}

/// A number from the stats object.
func number(_ value: JSONValue?) -> Int { value?.intValue ?? 0 }

/// `1 record`, `2 records`.
func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

func show(_ student: Student) {
    print("   id=\(student.id.map(String.init) ?? "nil")  name=\"\(student.name)\"  email=\"\(student.email)\"  "
        + "gpa=\(student.gpa)")
}

/// Every file under `path`, with its size, as `ls -R` would list it.
func tree(_ path: String, indent: String = "   ") {
    let fm = FileManager.default
    for name in ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted() where name != ".persistence-example" {
        let full = path + "/" + name
        var isDirectory: ObjCBool = false
        _ = fm.fileExists(atPath: full, isDirectory: &isDirectory)
        if isDirectory.boolValue {
            print("\(indent)\(name)/")
            tree(full, indent: indent + "   ")
        } else {
            let size = (try? fm.attributesOfItem(atPath: full)[.size] as? Int) ?? 0
            print("\(indent)\(name)  (\(size) bytes)")
        }
    }
}

func lines(of path: String) -> [String] {
    let contents = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    return contents.split(separator: "\n").map(String.init)
}

/// The seed's files, as its own checkpoint leaves them: the archived WAL stays plain JSON Lines
/// (`wal/transaction.<stamp>.log`), not gzipped as LineDB's archives are by default.
let seedOptions: DatabaseOptions = {
    var options = DatabaseOptions()
    options.gzipArchives = false
    return options
}()

// MARK: - The tour

func createDatabase() throws -> Database {
    heading(1, "Create a persistent database")
    let fm = FileManager.default
    if fm.fileExists(atPath: marker) {
        try fm.removeItem(atPath: databasePath)
        print("   removed \(databasePath) from an earlier run")
    } else if !((try? fm.contentsOfDirectory(atPath: databasePath)) ?? []).isEmpty {
        throw TourError(description: "\(databasePath) exists and was not made by this example (the `linedb demo` "
            + "database?); it is left as it is. Run the example in another directory, or remove it first.")
    }
    let db = try Database(name: "university", persist: true, basePath: basePath, options: seedOptions)
    _ = fm.createFile(atPath: marker, contents: Data("made by persistence-example\n".utf8))
    print("   created \(db.path!) (sync mode: \(db.options.syncMode.rawValue))")
    return db
}

func defineTables(_ db: Database) throws {
    heading(2, "Define tables")
    // Registering a type writes its schema file at once, as the seed's @table decorator does.
    let schemas = [try db.register(Student.self).schema, try db.register(Course.self).schema]
    for schema in schemas {
        let columns = schema.columns.map { "\($0.name): \($0.type.rawValue)\($0.isRequired ? "" : "?")" }
        print("   \(schema.name)(\(columns.joined(separator: ", ")))  -> schema/\(schema.name).schema.json written")
    }
}

func saveAndLoad(_ db: Database) throws {
    heading(3, "Save and load")
    let students = try db.register(Student.self)
    for var student in [
        Student(name: "Alice Johnson", email: "alice@university.edu", gpa: 3.8),
        Student(name: "Bob Smith", email: "bob@university.edu", gpa: 3.5),
        Student(name: "Carol White", email: "carol@university.edu", gpa: 3.9),
    ] {
        try students.insert(&student)
        print("   inserted student \(student.id!): \(student.name)")
    }
    let courses = try db.register(Course.self)
    try courses.insert(contentsOf: [
        Course(code: "CS101", title: "Introduction to Programming"),
        Course(code: "CS201", title: "Data Structures"),
    ])
    print("   inserted 2 courses (in one transaction)")
    let summary = try db.save()
    for (table, count) in summary.appended.sorted(by: { $0.key < $1.key }) {
        print("   save(): appended \(count) records to data/\(table).records")
    }
    try db.close()
    print("   closed the database")

    let again = try Database(name: "university", persist: true, basePath: basePath, options: seedOptions)
    try again.load()
    print("   a new Database instance loaded \(again.tableNames.count) tables from disk: \(again.tableNames)")
    for student in try again.table(Student.self).all() { show(student) }
    try again.close()
}

func inspectFiles() {
    heading(4, "Inspect the file structure")
    print("   \(databasePath)/")
    tree(databasePath, indent: "      ")
    print("")
    print("   schema/student.schema.json:")
    for line in lines(of: databasePath + "/schema/student.schema.json").prefix(9) { print("      " + line) }
    print("      ...")
    print("   data/student.records (one JSON object per line; `wc -l` counts the records):")
    for line in lines(of: databasePath + "/data/student.records") { print("      " + line) }
}

func updatesAcrossSessions() throws {
    heading(5, "Updates across sessions")
    let session1 = try Database(name: "university", persist: true, basePath: basePath, options: seedOptions)
    let students1 = try session1.table(Student.self)
    var bob = try students1.first("email", equals: "bob@university.edu")!
    bob.gpa = 3.7
    try students1.update(bob)
    print("   session 1: Bob's GPA 3.5 -> 3.7")
    var dan = Student(name: "Dan Brown", email: "dan@university.edu", gpa: 3.2)
    try students1.insert(&dan)
    print("   session 1: inserted Dan Brown (id \(dan.id!))")
    let cs201 = try session1.table(Course.self).delete(key: 2)
    print("   session 1: deleted course 2 (\(cs201.code))")
    try session1.save()
    print("   session 1: saved and closed")
    try session1.close()

    let session2 = try Database(name: "university", persist: true, basePath: basePath, options: seedOptions)
    let students2 = try session2.table(Student.self)
    let bobNow = try students2.get(bob.id!)!
    print("   session 2: Bob's GPA is \(bobNow.gpa), \(try students2.count) students, "
        + "\(try session2.table(Course.self).count) course")
    dan.gpa = 3.4
    try students2.update(dan)
    print("   session 2: Dan's GPA 3.2 -> 3.4, NOT saved; closing")
    try session2.close()

    let session3 = try Database(name: "university", persist: true, basePath: basePath, options: seedOptions)
    let danNow = try session3.table(Student.self).get(dan.id!)!
    print("   session 3: Dan's GPA is \(danNow.gpa) (the unsaved update came back from the WAL)")
    try session3.save()
    try session3.close()
}

func walAndCheckpoint() throws {
    heading(6, "WAL inspection and checkpointing")
    let db = try Database(name: "university", persist: true, basePath: basePath, options: seedOptions)
    let entries = try db.walEntries()
    print("   wal/transaction.log holds \(entries.count) entries (the seed's storage.replay_wal()):")
    for entry in entries {
        print("      lsn \(entry.lsn)  \(entry.timestamp): \(entry.operation) on \(entry.table ?? "-")")
    }
    let done = try db.checkpoint()
    print("   checkpoint(): saved every table, archived the WAL as wal/\(done.archive ?? "?") "
        + "(through lsn \(done.throughLSN))")
    let after = try db.walEntries()
    print("   the new wal/transaction.log holds \(plural(after.count, "line")): "
        + after.map { "\($0.operation) (lsn \($0.lsn))" }.joined(separator: ", "))
    let walFiles = ((try? FileManager.default.contentsOfDirectory(atPath: databasePath + "/wal")) ?? []).sorted()
    print("   wal/: \(walFiles.joined(separator: ", "))")
    try db.close()
}

func exportAndStats() throws {
    heading(7, "Export")
    let db = try Database(name: "university", persist: true, basePath: basePath, options: seedOptions)
    // An export never creates directories (a mistyped path is an error, not a new folder): make ./exports first.
    try FileManager.default.createDirectory(atPath: "exports", withIntermediateDirectories: true)
    let count = try db.exportTable("student", "exports/students.json")
    print("   exported \(count) students to ./exports/students.json:")
    for line in lines(of: "exports/students.json").prefix(8) { print("      " + line) }
    print("      ...")
    let csv = try db.export("course", to: "exports/courses.csv", format: .csv)
    print("   exported \(plural(csv, "course")) to ./exports/courses.csv")

    heading(8, "Statistics")
    let stats = db.stats()
    if case .object(let tables)? = stats["tables"] {
        print("   tables: \(tables.count)")
    }
    if case .object(let disk)? = stats["disk"] {
        print("   total size on disk: \(number(disk["total_size_bytes"])) bytes")
        if case .object(let tables)? = disk["tables"] {
            for (name, info) in tables {
                let records = number(info.objectValue?["records"])
                print("      \(name): \(plural(records, "record")), \(number(info.objectValue?["size_bytes"])) bytes")
            }
        }
        if case .object(let wal)? = disk["wal"] {
            let entries = number(wal["entries"])
            let archived = wal["archived"]?.arrayValue?.count ?? 0
            print("      wal: \(entries) \(entries == 1 ? "entry" : "entries"), "
                + "\(plural(archived, "archived file"))")
        }
    }

    heading(9, "Handle errors")
    let students = try db.table(Student.self)
    do {
        var eve = Student(name: "Eve Adams", email: "alice@university.edu")
        try students.insert(&eve)
    } catch {
        print("   refused: \(error)")
    }
    do {
        try db.insert("student", ["email": "nobody@university.edu"])
    } catch {
        print("   refused: \(error)")
    }
    do {
        _ = try db.register(StudentWithTextGPA.self)
    } catch {
        print("   refused: \(error)")
    }
    print("   nothing was written by any of them: \(try students.count) students")
    try db.close()
}

func handleSaveErrors() throws {
    heading(10, "Handle save errors")
    let db = try Database(name: "university", persist: true, basePath: basePath, options: seedOptions)
    let students = try db.table(Student.self)
    var frank = Student(name: "Frank Green", email: "frank@university.edu", gpa: 3.1)
    try students.insert(&frank)
    print("   inserted Frank Green (id \(frank.id!)): durable in the WAL, not yet in data/student.records")
    let recordsFile = databasePath + "/data/student.records"
    let size = (try? FileManager.default.attributesOfItem(atPath: recordsFile)[.size] as? Int) ?? 0
    print("   a full disk, simulated: during one save(), no file may grow past \(size) bytes (RLIMIT_FSIZE)")
    // The seed's `try: db.save() except IOError`. A save that fails leaves the records files as they were and
    // keeps every change in memory and in the WAL, so the same handle can save again later.
    let failed = withFileSizeLimit(size) { () -> LineDBError? in
        do throws(LineDBError) {
            try db.save()
            return nil
        } catch {
            return error
        }
    }
    guard let failed else { throw TourError(description: "the save was expected to fail") }
    print("   save() failed: \(failed)")
    switch failed {
    case .io:
        // A write, open or rename failed (disk full, permissions): the old file is intact, nothing is lost.
        let after = (try? FileManager.default.attributesOfItem(atPath: recordsFile)[.size] as? Int) ?? 0
        print("   data/student.records is as it was (\(plural(lines(of: recordsFile).count, "record")), "
            + "\(after) bytes); unsaved tables: \(db.unsavedTables)")
        print("   Frank is still in the table (\(try students.count) students) and in the WAL "
            + "(lsn \(try db.walEntries().last!.lsn)):")
        print("   nothing is lost; the next open replays him even if no save ever succeeds")
        let summary = try db.save()
        print("   with room again, the same handle saves: appended \(summary.appended["student"] ?? 0) record "
            + "to data/student.records (\(plural(lines(of: recordsFile).count, "record")) now)")
    case .needsReopen:
        // An fsync failed: what reached the disk is unknown. Open the database again; recovery replays the WAL.
        try? db.close()
        try Database(name: "university", persist: true, basePath: basePath, options: seedOptions).save()
    default:
        // .readOnly (opened read-only, or another writer holds the lock), .closed
        throw failed
    }
    try db.close()
}

/// Runs `body` while this process may not make any file larger than `bytes` (`RLIMIT_FSIZE`): a write past that
/// fails with `EFBIG`, as one fails on a full disk, whoever runs the example (root too) and without touching
/// anything outside the process. `SIGXFSZ` is ignored meanwhile, so that the write fails rather than the process
/// being killed; the limit and the signal are restored before it returns.
func withFileSizeLimit<T>(_ bytes: Int, _ body: () -> T) -> T {
    fflush(nil)  // flush stdout: nothing may be written to a redirected stdout under the limit
    #if os(Linux)
    let resource = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
    #else
    let resource = RLIMIT_FSIZE
    #endif
    var original = rlimit()
    getrlimit(resource, &original)
    var limited = original
    limited.rlim_cur = min(rlim_t(bytes), original.rlim_max)
    let handler = signal(SIGXFSZ, SIG_IGN)
    setrlimit(resource, &limited)
    defer {
        setrlimit(resource, &original)
        signal(SIGXFSZ, handler)
    }
    return body()
}

/// A second definition of the student table that does not match its schema file: registering it is refused.
struct StudentWithTextGPA: TableRecord {
    static let tableName = "student"
    var id: Int?
    var name: String
    var email: String
    var gpa: String

    static let columnOptions: [ColumnOption] = [.primaryKey(CodingKeys.id), .unique(CodingKeys.email)]
}

do {
    print("LineDB persistence tour (the seed's example_persistence.py)")
    let db = try createDatabase()
    try defineTables(db)
    try saveAndLoad(db)
    inspectFiles()
    try updatesAcrossSessions()
    try walAndCheckpoint()
    try exportAndStats()
    try handleSaveErrors()
    print("")
    print("Done. Look around: cat \(databasePath)/data/student.records, cat \(databasePath)/wal/transaction.log,")
    print("linedb stats \(databasePath), linedb browse \(databasePath)")
} catch {
    FileHandle.standardError.write(Data("persistence-example: \(error)\n".utf8))
    exit(1)
}
