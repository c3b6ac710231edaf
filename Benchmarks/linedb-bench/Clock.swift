import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Monotonic time in nanoseconds.
@inline(__always)
func nowNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Runs `body` and returns its result and how long it took, in seconds.
@inline(__always)
func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = nowNanos()
    let result = try body()
    return (result, Double(nowNanos() - start) / 1e9)
}

/// A set of timings (seconds): medians, percentiles and throughputs.
struct Samples {
    private(set) var values: [Double] = []

    init(_ values: [Double] = []) { self.values = values }

    mutating func add(_ seconds: Double) { values.append(seconds) }

    var count: Int { values.count }
    var median: Double { percentile(50) }
    var p99: Double { percentile(99) }
    var max: Double { values.max() ?? .nan }
    var min: Double { values.min() ?? .nan }
    var total: Double { values.reduce(0, +) }

    /// Nearest-rank percentile.
    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[Swift.max(0, Swift.min(sorted.count - 1, rank))]
    }
}

/// Peak resident set size of this process, in MiB.
///
/// `VmHWM` from `/proc/self/status`: on Linux, `getrusage` `ru_maxrss` of a child started with fork + exec also
/// counts the parent's resident set at the fork (the kernel carries it over at exec), which would charge the
/// benchmark's own 1M generated records to the child that opens the database. `ru_maxrss` is the fallback.
func peakRSSMiB() -> Double {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) {
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kib = line.split(separator: " ").dropFirst().first.flatMap { Double($0) }
            if let kib { return kib / 1024 }
        }
    }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// User + system CPU seconds of this process's children that have been waited for.
func childrenCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Runs `body` (which runs and waits for child processes) and returns its result and the children's CPU seconds.
func cpuTimed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let before = childrenCPUSeconds()
    let result = try body()
    return (result, childrenCPUSeconds() - before)
}

/// Writes a line to standard error.
func printError(_ message: String) {
    let line = message + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}

// MARK: - Formatting

/// `1234567.8` → `"1,234,568"`.
func grouped(_ value: Double) -> String {
    guard value.isFinite else { return "-" }
    let n = Int(value.rounded())
    let digits = String(abs(n))
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}

/// A duration with a sensible unit: `850 ns`, `12.3 µs`, `4.56 ms`, `1.23 s`.
func duration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "-" }
    if seconds < 1e-6 { return "\(fixed(seconds * 1e9, 0)) ns" }
    if seconds < 1e-3 { return "\(fixed(seconds * 1e6, seconds < 1e-5 ? 2 : 1)) µs" }
    if seconds < 1 { return "\(fixed(seconds * 1e3, seconds < 1e-2 ? 2 : 1)) ms" }
    return "\(fixed(seconds, 2)) s"
}

/// A number with `places` decimals.
func fixed(_ value: Double, _ places: Int) -> String {
    guard value.isFinite else { return "-" }
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let r = (abs(value) * scale).rounded()
    let whole = Int(r / scale)
    var text = (value < 0 && r != 0 ? "-" : "") + String(whole)
    if places > 0 {
        let frac = Int(r - Double(whole) * scale)
        var f = String(frac)
        while f.count < places { f = "0" + f }
        text += "." + f
    }
    return text
}

/// `ratio(a, b)` = a / b formatted as `1.23×`.
func ratio(_ a: Double, _ b: Double) -> String {
    guard a.isFinite, b.isFinite, b != 0 else { return "-" }
    let r = a / b
    return r >= 10 ? "\(fixed(r, 1))×" : "\(fixed(r, 2))×"
}

/// Right-aligns `text` in `width` characters.
func right(_ text: String, _ width: Int) -> String { pad(text, width, right: true) }

/// Pads `text` on the right (or the left) to `width` characters.
func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let n = text.count
    guard n < width else { return text }
    let spaces = String(repeating: " ", count: width - n)
    return right ? spaces + text : text + spaces
}
