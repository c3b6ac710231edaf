import LineDB

/// Statistics of every column over a list of rows, for the describe sheet: one row per column,
/// `[column, type, count, nulls, distinct, min, max, mean, median, stdev]`.
///
/// - `count`: the non-null values; `nulls`: the null ones; `distinct`: the distinct non-null values (equal as
///   ``JSONValue`` says: strings by their exact scalars).
/// - `min`, `max`: the least and greatest non-null value in ``JSONValue/compare(_:_:)``'s order (the grid's sort
///   order); null when the column has no value.
/// - `mean`, `median`, `stdev` (sample standard deviation, n − 1): of the numbers of an `int` or `float` column;
///   null for other columns, for no numbers, and `stdev` for fewer than two.
///
/// Column by column, in slices of cells; one column's distinct values are held at a time.
final class DescribeBuild: SheetBuild {
    private let rows: [[JSONValue]]
    private let input: [Int]
    private let names: [String]
    private let types: [ColumnType]

    /// The column being described, and the next position of `input` in it.
    private var column = 0
    private var next = 0
    private var count = 0
    private var nulls = 0
    private var distinct: Set<JSONValue> = []
    private var least: JSONValue?
    private var greatest: JSONValue?
    private var numbers: [Double] = []
    private var built: [[JSONValue]] = []

    /// - Parameters:
    ///   - rows: the table's rows.
    ///   - input: the positions in `rows` to describe (the view: filtered rows only, when a filter is set).
    ///   - names: the column names.
    ///   - types: the column types (`int` and `float` get mean, median and standard deviation).
    init(rows: [[JSONValue]], input: [Int], names: [String], types: [ColumnType]) {
        self.rows = rows
        self.input = input
        self.names = names
        self.types = types
    }

    var label: String { "describing" }
    var isFinished: Bool { column >= types.count }

    var progress: Double {
        guard !types.isEmpty else { return 1 }
        let inColumn = input.isEmpty ? 0 : Double(next) / Double(input.count)
        return min(1, (Double(column) + inColumn) / Double(types.count))
    }

    func step(budget: Int) -> Int {
        guard column < types.count else { return 0 }
        let c = column
        let numeric = types[c] == .int || types[c] == .float
        let end = min(input.count, next + max(1, budget))
        for k in next..<end {
            let value = rows[input[k]][c]
            if value.isNull {
                nulls += 1
                continue
            }
            count += 1
            distinct.insert(value)
            if least.map({ JSONValue.compare(value, $0) < 0 }) ?? true { least = value }
            if greatest.map({ JSONValue.compare(value, $0) > 0 }) ?? true { greatest = value }
            if numeric, let d = value.number { numbers.append(d) }
        }
        let done = end - next
        next = end
        if next == input.count { finishColumn() }
        return done
    }

    /// Adds the row of the current column and starts the next one.
    private func finishColumn() {
        let stats = DescribeBuild.statistics(&numbers)
        built.append([
            .string(names[column]), .string(types[column].rawValue), .int(count), .int(nulls), .int(distinct.count),
            least ?? .null, greatest ?? .null,
            stats.mean.map(JSONValue.double) ?? .null, stats.median.map(JSONValue.double) ?? .null,
            stats.stdev.map(JSONValue.double) ?? .null,
        ])
        column += 1
        next = 0
        count = 0
        nulls = 0
        distinct = []
        least = nil
        greatest = nil
        numbers = []
    }

    func takeRows() -> [[JSONValue]] {
        defer { built = [] }
        return built
    }

    /// Mean, median and sample standard deviation of `values` (reordered: the median is found by selection, in
    /// linear time); nil where there are too few values.
    static func statistics(_ values: inout [Double]) -> (mean: Double?, median: Double?, stdev: Double?) {
        let n = values.count
        guard n > 0 else { return (nil, nil, nil) }
        var sum = 0.0
        for v in values { sum += v }
        let mean = sum / Double(n)
        var squares = 0.0
        for v in values { squares += (v - mean) * (v - mean) }
        let stdev = n > 1 ? (squares / Double(n - 1)).squareRoot() : nil
        let upper = select(&values, rank: n / 2)
        var median = upper
        if n % 2 == 0 {
            // The lower middle is the greatest of the values before the upper one (selection left them there).
            var lower = values[0]
            for v in values[0..<(n / 2)] where v > lower { lower = v }
            median = (lower + upper) / 2
        }
        return (mean, median, stdev)
    }

    /// The value that would be at `rank` in `values` sorted; leaves the smaller ones before it (quickselect).
    static func select(_ values: inout [Double], rank: Int) -> Double {
        var lo = 0
        var hi = values.count - 1
        values.withUnsafeMutableBufferPointer { v in
            while lo < hi {
                // Median of three as the pivot; Hoare's partition.
                let mid = lo + (hi - lo) / 2
                let pivot = Swift.max(Swift.min(v[lo], v[mid]), Swift.min(Swift.max(v[lo], v[mid]), v[hi]))
                var i = lo
                var j = hi
                while i <= j {
                    while v[i] < pivot { i += 1 }
                    while v[j] > pivot { j -= 1 }
                    if i <= j {
                        v.swapAt(i, j)
                        i += 1
                        j -= 1
                    }
                }
                if rank <= j { hi = j } else if rank >= i { lo = i } else { break }
            }
        }
        return values[rank]
    }
}

extension JSONValue {
    /// The value as a number, for statistics: integers and floats only (not Booleans).
    fileprivate var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
}
