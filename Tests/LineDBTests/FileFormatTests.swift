import Foundation
import Testing
@testable import LineDB

@Suite("On-disk format: schema, records, WAL lines, archives, stats")
struct FileFormatTests {
    @Test("the schema file is pretty JSON in the seed's layout, written at once and logged with the schema")
    func schemaFile() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(TableSchema("course", columns: [
            Column("id", .int, primaryKey: true), Column("code", .str, nullable: false, unique: true),
            Column("credits", .int, default: 3),
        ], createdAt: "2026-01-22T20:31:17.592172"))
        #expect(dir.read("db/schema/course.schema.json") == """
            {
              "table_name": "course",
              "schema": {
                "id": {
                  "type": "int",
                  "primary_key": true,
                  "nullable": false,
                  "unique": false
                },
                "code": {
                  "type": "str",
                  "primary_key": false,
                  "nullable": false,
                  "unique": true
                },
                "credits": {
                  "type": "int",
                  "primary_key": false,
                  "nullable": true,
                  "unique": false,
                  "default": 3
                }
              },
              "created_at": "2026-01-22T20:31:17.592172"
            }

            """)
        #expect(dir.read("db/data/course.records") == "")
        let create = try #require(try db.walEntries().first)
        #expect(create.operation == "CREATE_TABLE" && create.table == "course")
        #expect(create.record.objectValue?["schema"]?.objectValue?.keys.elements == ["id", "code", "credits"])
        try db.dropTable("course")
        #expect(!dir.exists("db/schema/course.schema.json") && !dir.exists("db/data/course.records"))
        #expect(try db.walEntries().last?.operation == "DROP_TABLE")
        try db.close()
        #expect(try Database(path: dir.db).tableNames.isEmpty)
    }

    @Test("WAL lines: the seed's fields in order, then lsn, synced, txn, and a CRC-32C of the bytes before it")
    func walLine() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(studentSchema)
        try db.insert("student", ["name": "Zoë", "email": "z@u", "gpa": 3.5])
        try db.transaction { tx in
            try tx.update("student", key: 1, set: ["gpa": 3.6])
            try tx.insert("student", ["name": "B", "email": "b@u"])
        }
        let lines = dir.lines("db/wal/transaction.log")
        #expect(lines.count == 5)
        let insert = lines[1]
        let pattern = #"^\{"timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}","operation":"INSERT","table":"student","record":\{"id":1,"name":"Zoë","email":"z@u","gpa":3\.5\},"old_record":null,"lsn":2,"synced":1,"crc":"[0-9a-f]{8}"\}$"#
        #expect(insert.range(of: pattern, options: .regularExpression) != nil, "line: \(insert)")
        for line in lines {
            let bytes = Array(line.utf8)
            let payload = Array(bytes[0..<(bytes.count - 18)])
            let stored = String(decoding: bytes[(bytes.count - 10)..<(bytes.count - 2)], as: UTF8.self)
            #expect(CRC32C.hex(CRC32C.checksum(payload)) == stored)
            #expect(line.hasSuffix("\"}"))
        }
        #expect(lines[2].contains(#""operation":"UPDATE""#) && lines[2].contains(#","txn":3,"crc""#))
        #expect(lines[2].contains(#""old_record":{"id":1,"name":"Zoë","email":"z@u","gpa":3.5}"#))
        #expect(lines[4].contains(#""operation":"COMMIT","table":null"#) && lines[4].contains(#""lsn":5,"synced":"#))
        // Python's json module and jq read every line.
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import json,sys; [json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]",
                           dir.db + "/wal/transaction.log"]
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)
    }

    @Test("save appends when a table only got inserts, rewrites after an update or delete, and skips clean tables")
    func saveModes() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(studentSchema)
        try db.createTable(TableSchema("course", columns: [Column("id", .int, primaryKey: true), Column("code", .str)]))
        try db.insert("student", ["name": "A", "email": "a"])
        try db.insert("course", ["code": "CS101"])
        var s = try db.save()
        #expect(s.appended == ["student": 1, "course": 1] && s.rewritten.isEmpty)
        let inode = FileManager.default.inode(dir.db + "/data/student.records")
        try db.insert("student", ["name": "B", "email": "b"])
        s = try db.save()
        #expect(s.appended == ["student": 1] && s.rewritten.isEmpty)  // course untouched
        #expect(FileManager.default.inode(dir.db + "/data/student.records") == inode)  // appended in place
        try db.update("student", key: 1, set: ["name": "A2"])
        s = try db.save()
        #expect(s.rewritten == ["student": 2] && s.appended.isEmpty)
        #expect(FileManager.default.inode(dir.db + "/data/student.records") != inode)  // replaced by rename
        try db.delete("student", key: 2)
        s = try db.save()
        #expect(s.rewritten == ["student": 1])
        #expect(dir.lines("db/data/student.records") == [#"{"id":1,"name":"A2","email":"a","gpa":0.0}"#])
        #expect(try db.save().isEmpty)
        #expect(dir.list("db/data").filter { $0.hasPrefix(".") }.isEmpty)  // no temp left
    }

    @Test("checkpoint archives under a timestamped name, never overwrites one, and continues the LSN")
    func checkpointArchives() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(studentSchema)
        try db.insert("student", ["name": "A", "email": "a"])
        let first = try db.checkpoint()
        let second = try db.checkpoint()  // same second: gets a _1 suffix
        let third = try db.checkpoint()
        let names = [first.archive!, second.archive!, third.archive!]
        #expect(Set(names).count == 3)
        for name in names {  // gzipped by default (DatabaseOptions.gzipArchives)
            #expect(name.range(of: #"^transaction\.\d{8}_\d{6}(_\d+)?\.log\.gz$"#, options: .regularExpression) != nil)
        }
        #expect(first.throughLSN == 2 && second.throughLSN == 3 && third.throughLSN == 4)
        let header = try #require(try db.walEntries().first)
        #expect(header.operation == "CHECKPOINT" && header.lsn == 5)
        #expect(header.record.objectValue?["through_lsn"] == 4)
        // The CHECKPOINT line is written before the archive is gzipped: it names the archive's plain name.
        #expect(header.record.objectValue?["previous"] == .string(String(third.archive!.dropLast(".gz".count))))
        #expect(header.record.objectValue?["next_ids"] == ["student": 2])
        #expect(header.record.objectValue?["format"] == "linedb-wal/1")
        #expect(dir.lines("db/data/student.records").count == 1)
        // Archives are kept intact: the first holds the creation and the insert.
        #expect(try Database.readWAL(path: dir.db + "/wal/" + first.archive!).map(\.operation) == ["CREATE_TABLE", "INSERT"])
    }

    @Test("stats has the seed's keys plus the WAL, and counts what is on disk")
    func stats() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(studentSchema)
        try db.insert("student", ["name": "A", "email": "a"])
        try db.insert("student", ["name": "B", "email": "b"])
        try db.save()
        try db.insert("student", ["name": "C", "email": "c"])
        try db.checkpoint()
        let stats = db.stats()
        #expect(stats["tables"] == ["student": ["records": 3, "columns": ["id", "name", "email", "gpa"]]])
        let disk = try #require(stats["disk"]?.objectValue)
        let recordsSize = try FileManager.default.attributesOfItem(atPath: dir.db + "/data/student.records")[.size] as! Int
        #expect(disk["tables"] == [
            "student": ["records": 3, "size_bytes": .int(recordsSize), "slack_bytes": 0, "slack_percent": 0.0],
        ])
        let wal = try #require(disk["wal"]?.objectValue)
        #expect(wal["entries"] == 1)
        #expect(wal["archived"]?.arrayValue?.count == 1)
        let total = dir.snapshot().filter { !$0.key.hasSuffix(".lock") }.values.reduce(0) { $0 + $1.count }
        #expect(disk["total_size_bytes"] == .int(total))
        #expect(Array(stats.keys) == ["tables", "disk"])
    }

    @Test("a second writer is refused with the holder's pid; a read-only open still works")
    func writerLock() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(studentSchema)
        try db.insert("student", ["name": "A", "email": "a"])
        #expect(throws: LineDBError.locked(path: dir.db, pid: Int(getpid()), host: ProcessInfo.processInfo.hostName)) {
            _ = try Database(path: dir.db)
        }
        let reader = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        #expect(reader.isReadOnly)
        #expect(try reader.count("student") == 1)
        #expect(throws: LineDBError.self) { try reader.insert("student", ["name": "B", "email": "b"]) }
        var fallback = DatabaseOptions()
        fallback.readOnlyIfLocked = true
        let follower = try Database(path: dir.db, options: fallback)
        #expect(follower.isReadOnly && follower.warnings.first?.contains("another process") == true)
        try db.close()
        _ = try Database(path: dir.db)  // the lock is free again
    }
}

extension FileManager {
    func inode(_ path: String) -> UInt64? {
        (try? attributesOfItem(atPath: path)[.systemFileNumber] as? UInt64) ?? nil
    }
}
