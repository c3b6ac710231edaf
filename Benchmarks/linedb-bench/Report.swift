#if canImport(Glibc)
import Glibc
#endif

/// One line of the final table.
struct SummaryRow {
    var measurement: String
    var lineDB: String
    var sqlite: String
    /// LineDB time / SQLite time for the same work (< 1: LineDB faster).
    var ratio: String
    var target: String = ""
    var met: Bool? = nil
}

/// The figures of a run: printed section by section as they are measured, then as one table.
final class Report {
    private(set) var rows: [SummaryRow] = []

    func section(_ title: String) {
        print("\n== \(title) ==")
    }

    func line(_ text: String) {
        print("  " + text)
        fflush(nil)  // progress shows while the run goes, also through a pipe
    }

    func add(_ row: SummaryRow) { rows.append(row) }

    func printSummary() {
        print("\n== Summary (medians; ratio = LineDB time / SQLite time for the same work, "
            + "< 1 means LineDB is faster) ==")
        let headers = ["measurement", "LineDB", "SQLite", "ratio", "target", "met"]
        let cells = rows.map { r in
            [r.measurement, r.lineDB, r.sqlite, r.ratio, r.target, r.met.map { $0 ? "met" : "NOT MET" } ?? ""]
        }
        var widths = headers.map(\.count)
        for row in cells { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        func render(_ row: [String]) -> String {
            row.enumerated().map { i, c in pad(c, widths[i], right: i >= 1 && i <= 3) }.joined(separator: " | ")
        }
        print(render(headers))
        print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-|-"))
        for row in cells { print(render(row)) }
    }
}
