import LineDB

/// Tests the rows of a list against a SQL filter expression, a range of rows at a time, through a
/// ``FilterEvaluator`` (one SQLite query per range: `… WHERE rowid >= a AND rowid < b AND (expression)`).
struct ExpressionScan {
    /// Work units (as ``ViewTask/step(budget:)`` counts them) per row: a row through SQLite's virtual table costs
    /// several times a row tested in Swift by a short form.
    static let unitsPerRow = 4

    private let scanner: FilterExpressionScanner
    let count: Int
    private(set) var next = 0
    private(set) var passed: [Int] = []

    /// Compiles `expression` over the rows of `input` (positions in `rows`), as the evaluator's rows 0..<count.
    /// - Throws: ``FilterExpressionError`` when it does not compile, or when there is no evaluator.
    init(_ expression: String, rows: [[JSONValue]], input: [Int],
         expressions: (FilterEvaluator, TableSchema)?) throws {
        guard let (evaluator, schema) = expressions else {
            throw FilterExpressionError(message: "SQL expressions cannot be evaluated here (no SQL engine)")
        }
        // Every row in order (a filter on a table that is not sorted): the rows themselves, no copy.
        let selected = ExpressionScan.isIdentity(input, count: rows.count) ? rows : input.map { rows[$0] }
        scanner = try evaluator.scanner(for: expression, schema: schema, rows: selected)
        count = input.count
    }

    var isFinished: Bool { next >= count }
    var progress: Double { count == 0 ? 1 : Double(next) / Double(count) }

    /// Tests rows for about `budget` units; returns the units used.
    mutating func step(budget: Int, input: [Int]) throws -> Int {
        let end = min(count, next + max(1, budget / ExpressionScan.unitsPerRow))
        let hits = try scanner.passing(in: next..<end)
        passed.reserveCapacity(passed.count + hits.count)
        for k in hits { passed.append(input[k]) }
        defer { next = end }
        return (end - next) * ExpressionScan.unitsPerRow
    }

    /// Whether `input` is `0..<count` in order.
    static func isIdentity(_ input: [Int], count: Int) -> Bool {
        guard input.count == count else { return false }
        return input.withUnsafeBufferPointer { p in
            var k = 0
            while k < p.count {
                if p[k] != k { return false }
                k += 1
            }
            return true
        }
    }
}
