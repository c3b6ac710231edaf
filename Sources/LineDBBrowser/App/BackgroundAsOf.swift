import Foundation
import LineDB
import Synchronization

/// The database as of a moment, built on a thread of its own (``Database/pastStepper(asOf:)`` reads the archives
/// and undoes every entry since): the browser's loop keeps drawing and reading keys meanwhile, and Esc drops the
/// result (the engine's reading is not interrupted; it changes nothing and its result is thrown away).
final class BackgroundAsOf: Sendable {
    private let outcome = Mutex<Result<PastStepper, LineDBError>?>(nil)
    /// Which build of the state this is (``BrowserState/asOfBuild``).
    let generation: Int
    let started = ContinuousClock.now

    init(_ moment: HistoryMoment, generation: Int, database: Database) {
        self.generation = generation
        let thread = Thread { [self] in
            let result: Result<PastStepper, LineDBError>
            do throws(LineDBError) {
                result = .success(try database.pastStepper(asOf: moment))
            } catch {
                result = .failure(error)
            }
            outcome.withLock { $0 = result }
        }
        thread.stackSize = 8 << 20
        thread.name = "linedb-as-of"
        thread.start()
    }

    /// The result, once the build is done.
    var result: Result<PastStepper, LineDBError>? { outcome.withLock { $0 } }
}

extension BrowserApp {
    /// Starts building the state as of `moment` (the previous build, if any, is left to finish unheard).
    func startAsOfBuild(_ moment: HistoryMoment, generation: Int) {
        asOfBuilds.append(BackgroundAsOf(moment, generation: generation, database: database))
    }

    /// Hands finished builds to the state (which drops those it no longer waits for); says how long the one it
    /// waits for has run.
    func pollAsOfBuilds(_ state: inout BrowserState) {
        guard !asOfBuilds.isEmpty else { return }
        var running: [BackgroundAsOf] = []
        for build in asOfBuilds {
            switch build.result {
            case .success(let stepper)?:
                state.asOfBuilt(stepper, generation: build.generation, context: database)
            case .failure(let error)?:
                state.asOfFailed("\(error)", generation: build.generation)
            case nil:
                running.append(build)
                if let wanted = state.asOfBuild, wanted.generation == build.generation {
                    let seconds = String(format: "%.1f", (ContinuousClock.now - build.started) / .seconds(1))
                    let esc = state.keyMap.names(for: .cancel, limit: 1)
                    // (The status line only: the recent messages keep the one "building" line said at the start.)
                    state.message = "building the database as of \(wanted.moment)… \(seconds) s (\(esc) cancels)"
                    state.messageIsError = false
                }
            }
        }
        asOfBuilds = running
    }
}
