import LineDB

/// Tests the rows of a list against a SQL filter expression, a range of rows at a time, through a
/// ``FilterEvaluator`` (one SQLite query per range of rows).
struct ExpressionScan {
    /// Work units (as ``ViewTask/step(budget:)`` counts them) per row: a row through SQLite's virtual table costs
    /// several times a row tested in Swift by a short form.
    static let unitsPerRow = 4

    private let scanner: FilterExpressionScanner
    let count: Int
    private(set) var next = 0
    private(set) var passed: [Int] = []

    /// Compiles `expression` over the rows of `input` (positions in `rows`).
    /// - Throws: ``FilterExpressionError`` when it does not compile, or when there is no evaluator.
    init(_ expression: String, rows: [[JSONValue]], input: [Int], expressions: (FilterEvaluator, TableSchema)?) throws {
        guard let (evaluator, schema) = expressions else {
            throw FilterExpressionError(message: "SQL expressions cannot be evaluated here (no SQL engine)")
        }
        scanner = try evaluator.scanner(for: expression, schema: schema, rows: rows, input: input)
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
}
