import LineDB

/// Statistics of every column over a list of rows, for the describe sheet: one row per column,
/// `[column, type, count, nulls, distinct, min, max, mean, median, stdev]`.
///
/// - `count`: the non-null values; `nulls`: the null ones; `distinct`: the distinct non-null values (equal as
///   ``JSONValue/compare(_:_:)`` orders them: strings by their exact scalars).
/// - `min`, `max`: the least and greatest non-null value in ``JSONValue/compare(_:_:)``'s order (the grid's sort
///   order); null when the column has no value.
/// - `mean`, `median`, `stdev` (sample standard deviation, n − 1): of the numbers of an `int` or `float` column;
///   null for other columns, for no numbers, and `stdev` for fewer than two.
///
/// Column by column, every step of a bounded cost: a scan of the cells (distinct values in a hash while there are at
/// most ``FrequencyBuild/hashLimit``; more are counted by sorting, ``SortedRuns``), then for numbers a sort for the
/// median (``SlicedMergeSort``).
final class DescribeBuild: SheetBuild {
    private let rows: [[JSONValue]]
    private let input: [Int]
    private let names: [String]
    private let types: [ColumnType]
    private let hashLimit: Int

    private enum Phase { case scanning, countingDistinct, sortingNumbers }
    private var phase = Phase.scanning
    /// The column being described, and the next position of `input` in it.
    private var column = 0
    private var next = 0
    private var count = 0
    private var nulls = 0
    /// The distinct values while they fit a hash; nil once there are too many (then ``runs`` counts them).
    private var distinct: Set<JSONValue>? = []
    private var distinctCount = 0
    private var runs: SortedRuns?
    private var least: JSONValue?
    private var greatest: JSONValue?
    private var numbers: [Double] = []
    private var numberSort: SlicedMergeSort?
    private var built: [[JSONValue]] = []

    /// - Parameters:
    ///   - rows: the table's rows.
    ///   - input: the positions in `rows` to describe (the view: filtered rows only, when a filter is set).
    ///   - names: the column names.
    ///   - types: the column types (`int` and `float` get mean, median and standard deviation).
    ///   - hashLimit: the most distinct values of a column counted in a hash.
    init(rows: [[JSONValue]], input: [Int], names: [String], types: [ColumnType],
         hashLimit: Int = FrequencyBuild.hashLimit) {
        self.rows = rows
        self.input = input
        self.names = names
        self.types = types
        self.hashLimit = hashLimit
    }

    var label: String { "describing" }
    var isFinished: Bool { column >= types.count }

    var progress: Double {
        guard !types.isEmpty else { return 1 }
        var inColumn: Double
        switch phase {
        case .scanning: inColumn = input.isEmpty ? 0 : 0.4 * Double(next) / Double(input.count)
        case .countingDistinct: inColumn = 0.4 + 0.4 * (runs?.progress ?? 0)
        case .sortingNumbers: inColumn = 0.8 + 0.2 * (numberSort?.progress ?? 0)
        }
        return min(1, (Double(column) + inColumn) / Double(types.count))
    }

    func step(budget: Int) -> Int {
        guard column < types.count else { return 0 }
        let budget = max(1, budget)
        switch phase {
        case .scanning:
            let done = scan(budget: budget)
            if next == input.count {
                if distinct == nil {
                    phase = .countingDistinct
                    runs = SortedRuns(rows: rows, positions: input, column: column, type: types[column])
                } else {
                    distinctCount = distinct!.count
                    distinct = []
                    startNumbers()
                }
            }
            return done
        case .countingDistinct:
            let done = runs!.step(budget: budget)
            if runs!.isFinished {
                // (Null is a run of its own when there are nulls: not a value.)
                distinctCount = runs!.counts.count - (nulls > 0 ? 1 : 0)
                runs = nil
                startNumbers()
            }
            return done
        case .sortingNumbers:
            let numbers = self.numbers
            if numberSort!.step(budget: budget, less: { numbers[$0] < numbers[$1] }) {
                let order = numberSort!.order
                numberSort = nil
                finishColumn(sortedBy: order)
                return min(budget, max(1, numbers.count))  // (the rest to the next column)
            }
            return budget
        }
    }

    /// What a cell costs in units of work (a hash insert and two comparisons, against one comparison of sort keys for
    /// a unit of a sort), so that slices stay as short as a sort's: comparing two strings (their canonical order)
    /// costs several times more than two numbers.
    static func cellCost(_ type: ColumnType) -> Int {
        switch type {
        case .int, .float, .bool: return 4
        default: return 16
        }
    }

    /// Looks at cells of the column for about `budget` units of work; returns how many units.
    private func scan(budget: Int) -> Int {
        let c = column
        let numeric = types[c] == .int || types[c] == .float
        let cost = DescribeBuild.cellCost(types[c])
        let end = min(input.count, next + max(1, budget / cost))
        for k in next..<end {
            let value = rows[input[k]][c]
            if value.isNull {
                nulls += 1
                continue
            }
            count += 1
            if distinct != nil {
                distinct!.insert(value)
                if distinct!.count > hashLimit { distinct = nil }  // counted by sorting instead
            }
            if least.map({ JSONValue.compare(value, $0) < 0 }) ?? true { least = value }
            if greatest.map({ JSONValue.compare(value, $0) > 0 }) ?? true { greatest = value }
            if numeric, let d = value.number { numbers.append(d) }
        }
        let done = end - next
        next = end
        return done * cost
    }

    /// Sorts the numbers for the median, or (none) ends the column.
    private func startNumbers() {
        if numbers.count > 1 {
            phase = .sortingNumbers
            numberSort = SlicedMergeSort(count: numbers.count)
        } else {
            finishColumn(sortedBy: Array(numbers.indices))
        }
    }

    /// Adds the row of the current column (`order`: the numbers' indices in ascending order) and starts the next.
    private func finishColumn(sortedBy order: [Int]) {
        let stats = DescribeBuild.statistics(numbers, ascending: order)
        built.append([
            .string(names[column]), .string(types[column].rawValue), .int(count), .int(nulls), .int(distinctCount),
            least ?? .null, greatest ?? .null,
            stats.mean.map(JSONValue.double) ?? .null, stats.median.map(JSONValue.double) ?? .null,
            stats.stdev.map(JSONValue.double) ?? .null,
        ])
        column += 1
        phase = .scanning
        next = 0
        count = 0
        nulls = 0
        distinct = []
        distinctCount = 0
        least = nil
        greatest = nil
        numbers = []
    }

    func takeRows() -> [[JSONValue]] {
        defer { built = [] }
        return built
    }

    /// Mean, median and sample standard deviation of `values`, whose indices in ascending order are `ascending`;
    /// nil where there are too few values.
    static func statistics(_ values: [Double], ascending: [Int]) -> (mean: Double?, median: Double?, stdev: Double?) {
        let n = values.count
        guard n > 0 else { return (nil, nil, nil) }
        var sum = 0.0
        for v in values { sum += v }
        let mean = sum / Double(n)
        var squares = 0.0
        for v in values { squares += (v - mean) * (v - mean) }
        let stdev = n > 1 ? (squares / Double(n - 1)).squareRoot() : nil
        let upper = values[ascending[n / 2]]
        let median = n % 2 == 1 ? upper : (values[ascending[n / 2 - 1]] + upper) / 2
        return (mean, median, stdev)
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
