import LineDB

/// Counts the distinct values of one column over a list of rows, for the frequency sheet: one row per value,
/// `[value, count, percent, bar]`, most frequent first, equal counts in the order of their values
/// (``JSONValue/compare(_:_:)``, as the grid sorts: null first, then false, true, numbers, strings…). Null and the
/// empty string are two values; strings are compared by their exact scalars.
///
/// Every phase runs in slices of a bounded cost:
/// - counting: in a hash of the values while there are at most ``hashLimit`` of them (a larger hash would grow by
///   rehashing everything in one step); past that, by sorting every row's value instead (``SortedRuns``);
/// - ordering the distinct values by count, then value (a ``SlicedMergeSort``; not needed when the counts are
///   already in order, e.g. every value once);
/// - building the rows.
final class FrequencyBuild: SheetBuild {
    /// The widest bar, in characters (the most frequent value's).
    static let barWidth = 12
    /// The most distinct values counted in a hash; more are counted by sorting.
    static let hashLimit = 1 << 16

    private let rows: [[JSONValue]]
    private let input: [Int]
    private let column: Int
    private let type: ColumnType
    private let hashLimit: Int

    private enum Phase { case hashing, sortingValues, orderingValues, orderingCounts, building, done }
    private var phase = Phase.hashing
    /// Hashing: the next position of `input`, each distinct value's slot.
    private var next = 0
    private var slots: [JSONValue: Int] = [:]
    /// Each distinct value's count and first row (by slot).
    private var counts: [Int] = []
    private var firstRows: [Int] = []
    /// Counting by sorting, once the hash would be too large.
    private var runs: SortedRuns?
    /// Ordering hashed values: their keys (by their first rows).
    private var keys: SortKeys?
    private var sorter: SlicedMergeSort?
    /// Building: the slots in sheet order, and the rows built so far.
    private var order: [Int] = []
    private var built: [[JSONValue]] = []
    private var bars: [String] = []
    /// The largest count (the longest bar).
    private var most = 1

    /// - Parameters:
    ///   - rows: the table's rows.
    ///   - input: the positions in `rows` to count (the view: filtered rows only, when a filter is set).
    ///   - column: the column's position.
    ///   - type: the column's type (how its values are compared).
    ///   - hashLimit: the most distinct values counted in a hash (``FrequencyBuild/hashLimit``).
    init(rows: [[JSONValue]], input: [Int], column: Int, type: ColumnType, hashLimit: Int = FrequencyBuild.hashLimit) {
        self.rows = rows
        self.hashLimit = hashLimit
        self.input = input
        self.column = column
        self.type = type
        slots.reserveCapacity(min(input.count, 1024))
    }

    var label: String {
        switch phase {
        case .hashing, .sortingValues: return "counting values"
        default: return "sorting values"
        }
    }

    var isFinished: Bool { phase == .done }

    var progress: Double {
        let n = Double(max(1, counts.count))
        switch phase {
        case .hashing: return input.isEmpty ? 0.6 : 0.6 * Double(next) / Double(input.count)
        case .sortingValues: return 0.8 * (runs?.progress ?? 0)
        case .orderingValues: return 0.6 + 0.2 * (keys.map { Double($0.count) / n } ?? 0)
        case .orderingCounts: return 0.8 + 0.1 * (sorter?.progress ?? 0)
        case .building: return 0.9 + 0.1 * Double(built.count) / n
        case .done: return 1
        }
    }

    func step(budget: Int) -> Int {
        let budget = max(1, budget)
        switch phase {
        case .hashing:
            // (Hashing a string costs about two units of a sort; a number, one.)
            let cost = type == .int || type == .float || type == .bool ? 1 : 2
            let start = next
            let end = min(input.count, start + max(1, budget / cost))
            let c = column
            var k = start
            while k < end {
                let position = input[k]
                let value = rows[position][c]
                if let slot = slots[value] {
                    counts[slot] &+= 1
                } else {
                    if counts.count == hashLimit {
                        // Too many values for a hash: count them all by sorting.
                        slots = [:]
                        counts = []
                        firstRows = []
                        runs = SortedRuns(rows: rows, positions: input, column: c, type: type)
                        phase = .sortingValues
                        return (k - start + 1) * cost
                    }
                    slots[value] = counts.count
                    counts.append(1)
                    firstRows.append(position)
                }
                k += 1
            }
            next = end
            if end == input.count {
                slots = [:]
                phase = .orderingValues
                keys = SortKeys(rows: rows, positions: firstRows, column: column, type: type)
            }
            return (end - start) * cost
        case .sortingValues:
            let done = runs!.step(budget: budget)
            if runs!.isFinished {
                // In value order already: only the counts remain to order.
                counts = runs!.counts
                firstRows = runs!.firstRows
                runs = nil
                startOrderingCounts(valueOrder: nil)
            }
            return done
        case .orderingValues:
            let done = keys!.isComplete ? 0 : keys!.extract(budget: budget)
            if keys!.isComplete { startOrderingCounts(valueOrder: keys) }  // (at once when there is no value)
            return done
        case .orderingCounts:
            let counts = self.counts
            let finished: Bool
            if let keys {
                finished = sorter!.step(budget: budget) { a, b in
                    counts[a] != counts[b] ? counts[a] > counts[b] : keys.compare(a, b) < 0
                }
            } else {
                // Slots are in value order: ties keep it.
                finished = sorter!.step(budget: budget) { a, b in
                    counts[a] != counts[b] ? counts[a] > counts[b] : a < b
                }
            }
            if finished {
                keys = nil
                order = sorter!.order
                sorter = nil
                startBuilding()
                // (A short sort leaves the rest of the budget to the next phase: a small table is done in one slice.)
                return min(budget, max(1, counts.count))
            }
            return budget
        case .building:
            let total = input.count
            let most = self.most
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

    /// Orders the slots by count (most first), ties by value: by `valueOrder`'s keys, or (nil) by slot, the slots
    /// being in value order. No sort when the slots are in that order already.
    private func startOrderingCounts(valueOrder: SortKeys?) {
        keys = valueOrder
        if valueOrder == nil && FrequencyBuild.isNonIncreasing(counts) {
            order = Array(counts.indices)
            startBuilding()
            return
        }
        phase = .orderingCounts
        sorter = SlicedMergeSort(count: counts.count)
    }

    private func startBuilding() {
        phase = .building
        built.reserveCapacity(order.count)
        bars = (0...FrequencyBuild.barWidth).map { String(repeating: "█", count: $0) }
        most = order.first.map { counts[$0] } ?? 1
    }

    func takeRows() -> [[JSONValue]] {
        defer { built = [] }
        return built
    }

    static func isNonIncreasing(_ values: [Int]) -> Bool {
        var k = 1
        while k < values.count {
            if values[k - 1] < values[k] { return false }
            k += 1
        }
        return true
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
