import LineDB

/// Counts the distinct values of one column over a list of rows, for the frequency sheet: one row per value,
/// `[value, count, percent, bar]`, most frequent first, equal counts in the order of their values
/// (``JSONValue/compare(_:_:)``: null first, then false, true, numbers, strings…). Null and the empty string are
/// two values. Values are equal as ``JSONValue`` says (strings by their exact scalars).
///
/// Three phases, each in slices: counting (a hash of the values), sorting the distinct values (by count, then by
/// value through ``SortKeys``, as the grid's sort compares them), and building the rows.
final class FrequencyBuild: SheetBuild {
    /// The widest bar, in characters (the most frequent value's).
    static let barWidth = 20

    private let rows: [[JSONValue]]
    private let input: [Int]
    private let column: Int
    private let type: ColumnType

    private enum Phase { case counting, extracting, sorting, building, done }
    private var phase = Phase.counting
    /// Counting: the next position of `input`; each distinct value's slot, count and first row.
    private var next = 0
    private var slots: [JSONValue: Int] = [:]
    private var counts: [Int] = []
    private var firstRows: [Int] = []
    /// Sorting: the keys of the distinct values (by their first rows) and the sort.
    private var keys: SortKeys?
    private var sorter: SlicedMergeSort?
    /// Building: the distinct slots in sheet order, and the rows built so far.
    private var order: [Int] = []
    private var built: [[JSONValue]] = []
    private var bars: [String] = []

    /// - Parameters:
    ///   - rows: the table's rows.
    ///   - input: the positions in `rows` to count (the view: filtered rows only, when a filter is set).
    ///   - column: the column's position.
    ///   - type: the column's type (how its values are compared).
    init(rows: [[JSONValue]], input: [Int], column: Int, type: ColumnType) {
        self.rows = rows
        self.input = input
        self.column = column
        self.type = type
    }

    var label: String { phase == .counting ? "counting values" : "sorting values" }

    var isFinished: Bool { phase == .done }

    var progress: Double {
        let n = Double(max(1, counts.count))
        switch phase {
        case .counting: return input.isEmpty ? 0.6 : 0.6 * Double(next) / Double(input.count)
        case .extracting: return 0.6 + 0.05 * Double(keys?.count ?? 0) / n
        case .sorting: return 0.65 + 0.25 * (sorter?.progress ?? 0)
        case .building: return 0.9 + 0.1 * Double(built.count) / n
        case .done: return 1
        }
    }

    func step(budget: Int) -> Int {
        let budget = max(1, budget)
        switch phase {
        case .counting:
            let end = min(input.count, next + budget)
            let c = column
            for k in next..<end {
                let position = input[k]
                let value = rows[position][c]
                if let slot = slots[value] {
                    counts[slot] &+= 1
                } else {
                    slots[value] = counts.count
                    counts.append(1)
                    firstRows.append(position)
                }
            }
            defer { next = end }
            if end == input.count {
                slots = [:]
                phase = .extracting
                keys = SortKeys(rows: rows, positions: firstRows, column: column, type: type)
            }
            return end - next
        case .extracting:
            let done = keys!.extract(budget: budget)
            if keys!.isComplete {
                phase = .sorting
                sorter = SlicedMergeSort(count: counts.count)
            }
            return done
        case .sorting:
            let counts = self.counts
            let keys = self.keys!
            let finished = sorter!.step(budget: budget) { a, b in
                if counts[a] != counts[b] { return counts[a] > counts[b] }
                return keys.compare(a, b) < 0
            }
            if finished {
                self.keys = nil
                order = sorter!.take(from: Array(0..<counts.count))
                sorter = nil
                phase = .building
                built.reserveCapacity(counts.count)
                bars = (0...FrequencyBuild.barWidth).map { String(repeating: "█", count: $0) }
            }
            return budget
        case .building:
            let total = input.count
            let most = counts.max() ?? 1
            let start = built.count
            let end = min(order.count, start + max(1, budget / 4))
            for k in start..<end {
                let slot = order[k]
                let count = counts[slot]
                built.append([rows[firstRows[slot]][column], .int(count),
                              .double(FrequencyBuild.percent(count, of: total)),
                              .string(bars[FrequencyBuild.barLength(count, most: most)])])
            }
            if built.count == order.count {
                phase = .done
                order = []
            }
            return (end - start) * 4 + 1
        case .done:
            return 0
        }
    }

    func takeRows() -> [[JSONValue]] {
        defer { built = [] }
        return built
    }

    /// `count` as a percentage of `total`, to two decimals.
    static func percent(_ count: Int, of total: Int) -> Double {
        total == 0 ? 0 : (Double(count) * 10_000 / Double(total)).rounded() / 100
    }

    /// The bar's length for `count` when the most frequent value has `most`: at least one character.
    static func barLength(_ count: Int, most: Int) -> Int {
        max(1, min(barWidth, Int((Double(count) / Double(max(1, most)) * Double(barWidth)).rounded())))
    }
}
