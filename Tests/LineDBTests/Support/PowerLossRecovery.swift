#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
@testable import LineDB
import LineDBTestSupport

/// A compound failure: a process crash, the recovery that follows, then a power cut (R12: recovery must make durable
/// what it relies on before it changes anything or acknowledges new writes).
extension PowerLossRun {
    /// For each distinct process-crash state of the recorded workload (every pending change kept, as after
    /// `kill -9`), opens it on a ``RecordingFileIO`` that knows what was really durable, makes the `followUp` calls
    /// (only when the recovered database has a `student` table) and closes; then builds every crash state of that
    /// recovery and checks NoLoss (the calls acknowledged before the process crash, and each follow-up call once
    /// acknowledged), NoCorrupt and that open never refuses.
    func checkRecoveryThenPowerLoss(followUp: [PowerOp]) -> Report {
        var report = Report()
        var seen: Set<[UInt8]> = []
        for (index, point) in recorder.points.enumerated() where point.hasPending {
            let crashed = CrashState(
                kind: "process crash", root: point.root, tree: point.tree(keepingPending: point.pendingDirOps.count),
                contents: point.inodes.mapValues(\.current))
            guard seen.insert(crashed.key).inserted else { continue }
            stateCounter += 1
            let dir = "\(scratch.path)/recovery-\(stateCounter)"
            crashed.materialize(into: dir)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let place = "workload '\(workload.name)', process crash at point \(index + 1) '\(point.label)' "
                + "(\(point.acknowledged) calls acknowledged, \(point.attempted) started)"

            // expected[j]: the states allowed once j follow-up calls are acknowledged.
            var expected = [Array(models[point.acknowledged...min(point.attempted, models.count - 1)])]
            let recovery = RecordingFileIO(resuming: point, at: dir)
            var options = DatabaseOptions()
            options.fileIO = recovery
            do {
                let db = try Database(path: dir + "/db", options: options)
                let found = try LogicalState.read(db)
                guard expected[0].contains(found) else {
                    report.losses.append("\(place): recovery gave \(expected[0][0].difference(found))")
                    try? db.close()
                    continue
                }
                if found.tables["student"] != nil {
                    for (i, op) in followUp.enumerated() {
                        recovery.beginOperation()
                        try op.run(on: db, scratch: scratch.path, index: 2000 + i)
                        recovery.acknowledge()
                        expected.append(expected.last!.map { var s = $0; s.apply(op); return s })
                    }
                }
                try db.close()
                report.harnessProblems += PowerLossRun.modelMismatches(recovery).map { "\(place): \($0)" }
                report.harnessProblems += recovery.problems.map { "\(place): \($0)" }
            } catch {
                report.refusals.append("\(place): recovery failed: \(FaultHelpers.text(error))")
                continue
            }

            // Power cuts during and after that recovery.
            let points = recovery.points
            report.points += points.count
            for (j, cut) in points.enumerated() {
                for state in CrashStateBuilder.states(of: cut) {
                    report.states += 1
                    report.statesByKind[String(state.kind.prefix(3)), default: 0] += 1
                    let (outcome, fresh) = outcome(of: state)
                    if fresh { report.distinct += 1 }
                    let at = "\(place), then power cut at recovery point \(j + 1)/\(points.count) '\(cut.label)' "
                        + "(\(cut.acknowledged) of \(cut.attempted) follow-up calls acknowledged), state \(state.kind)"
                    switch outcome {
                    case .refused(let message):
                        report.refusals.append("\(at): open refused: \(message)")
                    case .opened(let found, let problems):
                        for p in problems { report.corruptions.append("\(at): \(p)") }
                        var ok = expected[cut.acknowledged]
                        if cut.attempted > cut.acknowledged { ok += expected[cut.attempted] }
                        if !ok.contains(found) {
                            report.losses.append("\(at): \(expected[cut.acknowledged][0].difference(found))")
                        }
                    }
                }
            }
        }
        return report
    }
}
