import Foundation
import Testing
@testable import LineDB

/// The as-of view's stepping (History/PastState+Step.swift): one entry at a time, forwards and back, each position
/// equal to the state built whole at that LSN, and to the model's.
@Suite("Stepping a past state one entry at a time")
struct PastStepperTests {
    typealias Model = ModelPropertyTests.Model

    static func model(_ s: PastState) -> Model {
        var out: Model = [:]
        for r in s.table("student")?.records ?? [] { out[r["id"]!.intValue!] = r }
        return out
    }

    @Test("stepping forwards from the earliest moment to now, then back, equals state(asOf:) at every LSN and the model where it was recorded",
          arguments: [1, 2, 3])
    func stepsEqualBuiltStates(seed: Int) throws {
        let dir = TempDir()
        let (db, seen) = try HistoryOracleTests.workload(seed: seed, steps: 120, dir: dir)
        let models = Dictionary(seen.map { ($0.lsn, $0.model) }) { _, last in last }
        let reach = try db.historyFiles().reach
        var stepper = try db.pastStepper(asOf: .lsn(reach.earliestLSN))
        #expect(stepper.lsn == reach.earliestLSN)
        var visited = [stepper.lsn]
        var steps = 0
        while let result = try stepper.step(forward: true) {
            steps += 1
            let lsn = stepper.lsn
            #expect(lsn > visited.last!, "seed \(seed): a step forwards moves to a later LSN")
            visited.append(lsn)
            let whole = try db.state(asOf: .lsn(lsn))
            let built = Self.model(whole)
            #expect(Self.model(stepper.state) == built, "seed \(seed): stepped forwards to lsn \(lsn)")
            #expect(stepper.state.timestamp == whole.timestamp, "seed \(seed): the time of lsn \(lsn)")
            if let m = models[lsn] { #expect(Self.model(stepper.state) == m, "seed \(seed): model at lsn \(lsn)") }
            // The last change reported for each key is what the table now holds for it (a transaction may change a
            // record several times in one step).
            var last: [JSONValue: Row?] = [:]
            for c in result.changes where c.table == "student" { last[c.key] = .some(c.after) }
            for (key, after) in last {
                let now = stepper.state.table("student")!.index(ofKey: key).map { stepper.state.table("student")!.rows[$0] }
                #expect(now == after)
            }
            if Self.model(stepper.state) != built { return }
        }
        #expect(stepper.lsn == reach.latestLSN, "forwards ends at now")
        #expect(steps > 50)
        // And back, through the same LSNs.
        var back = visited.dropLast()
        while let _ = try stepper.step(forward: false) {
            let expected = back.popLast()
            #expect(stepper.lsn == expected, "seed \(seed): a step back goes to the previous entry's LSN")
            let whole = try db.state(asOf: .lsn(stepper.lsn))
            let built = Self.model(whole)
            #expect(Self.model(stepper.state) == built, "seed \(seed): stepped back to lsn \(stepper.lsn)")
            #expect(stepper.state.timestamp == whole.timestamp, "seed \(seed): the time of lsn \(stepper.lsn)")
            if Self.model(stepper.state) != built { return }
        }
        #expect(back.isEmpty && stepper.lsn == reach.earliestLSN, "back ends at the earliest moment")
    }

    @Test("a created table appears and a dropped one goes when stepped over; a step back over a drop is refused, naming it")
    func tablesComeAndGo() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(studentSchema)
        try db.insert("student", ["id": 1, "name": "Ann"])
        let beforeCourse = try HistoryOracleTests.latestLSN(db)
        try db.createTable(TableSchema("course", columns: [Column("code", .str, primaryKey: true)]))
        try db.insert("course", ["code": "C1"])
        let beforeDrop = try HistoryOracleTests.latestLSN(db)
        try db.dropTable("course")
        var stepper = try db.pastStepper(asOf: .lsn(beforeCourse))
        #expect(stepper.state.table("course") == nil)
        let created = try #require(try stepper.step(forward: true))
        #expect(created.tablesChanged && stepper.state.table("course")?.count == 0)
        _ = try stepper.step(forward: true)
        #expect(stepper.state.table("course")?.count == 1 && stepper.lsn == beforeDrop)
        let dropped = try #require(try stepper.step(forward: true))
        #expect(dropped.tablesChanged && stepper.state.table("course") == nil)
        #expect(try stepper.step(forward: true) == nil, "the drop was the last entry: now")
        #expect(throws: LineDBError.self) { _ = try stepper.step(forward: false) }
        do {
            _ = try stepper.step(forward: false)
        } catch {
            #expect("\(error)".contains("DROP_TABLE 'course'"))
        }
        // Built at the LSN before the drop, the dropped table is there with its record.
        let rebuilt = try db.pastStepper(asOf: .lsn(beforeDrop))
        #expect(rebuilt.state.table("course")?.records == [["code": "C1"]])
    }
}
