#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Named points in the durable write paths where a test can kill the process (RocksDB's "whitebox kill").
///
/// In debug builds, `LINEDB_FAILPOINTS=save.afterTempFsync=kill,checkpoint.afterLink=kill` makes the process
/// send itself SIGKILL when it reaches one of the named points; `name=kill@3` kills at the third hit.
/// `name=delay<ms>` (`save.afterWalSync=delay3000`) sleeps there instead, at every hit: a save that holds the
/// state lock for a visible time, for tests of what runs meanwhile. Release builds compile every hit to nothing.
package enum Failpoint {
    #if DEBUG
    private static let armed: [String: Int] = {
        guard let raw = getenv("LINEDB_FAILPOINTS") else { return [:] }
        var result: [String: Int] = [:]
        for item in String(cString: raw).split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let action = parts[1]
            var count = 1
            if let at = action.firstIndex(of: "@") { count = Int(action[action.index(after: at)...]) ?? 1 }
            if action.hasPrefix("kill") { result[String(parts[0])] = count }
        }
        return result
    }()
    /// The points armed with `delay<ms>`: milliseconds to sleep at each hit.
    private static let delays: [String: Int] = {
        guard let raw = getenv("LINEDB_FAILPOINTS") else { return [:] }
        var result: [String: Int] = [:]
        for item in String(cString: raw).split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[1].hasPrefix("delay"), let ms = Int(parts[1].dropFirst(5)) {
                result[String(parts[0])] = ms
            }
        }
        return result
    }()
    nonisolated(unsafe) private static var hits: [String: Int] = [:]
    private static let lock = PThreadMutex()
    #endif

    /// Whether the next ``hit(_:)`` of `name` kills the process: for a step that first leaves a half-done write
    /// (`wal.midAppend` writes half of the WAL batch, then dies). Always `false` in release builds.
    package static func killsNext(_ name: StaticString) -> Bool {
        #if DEBUG
        guard let target = armed[name.description] else { return false }
        lock.lock()
        defer { lock.unlock() }
        return (hits[name.description] ?? 0) + 1 == target
        #else
        return false
        #endif
    }

    /// Marks a named step; kills the process here if a test armed this point.
    @inline(__always)
    package static func hit(_ name: StaticString) {
        #if DEBUG
        if armed.isEmpty && delays.isEmpty { return }
        let key = name.description
        if let ms = delays[key] { usleep(UInt32(ms) * 1000) }
        guard let target = armed[key] else { return }
        lock.lock()
        let n = (hits[key] ?? 0) + 1
        hits[key] = n
        lock.unlock()
        if n == target { kill(getpid(), SIGKILL) }
        #endif
    }
}
