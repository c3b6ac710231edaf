import LineDB

/// The distinct values of one column over many rows, found by sorting (in slices) rather than hashing: a hash of a
/// million values grows by rehashing everything at once (hundreds of milliseconds in one step, while keys wait),
/// a ``SlicedMergeSort`` over ``SortKeys`` never takes more than its budget. The result is the runs of equal values
/// in value order (``JSONValue/compare(_:_:)``'s, the grid's sort order), each as its first row and its length.
struct SortedRuns {
    private let positions: [Int]
    private var keys: SortKeys
    private var sorter: SlicedMergeSort?
    /// Once sorted: the keys' indices in value order, and how far the scan for runs has come.
    private var order: [Int] = []
    private var scanned = 0
    /// The runs found so far: the row (position in the table's rows) of each value's first occurrence, and its count.
    private(set) var firstRows: [Int] = []
    private(set) var counts: [Int] = []
    private(set) var isFinished = false

    /// - Parameters:
    ///   - rows: the table's rows.
    ///   - positions: the positions in `rows` whose values are counted.
    ///   - column: the column's position; `type`: its type (how its values are compared).
    init(rows: [[JSONValue]], positions: [Int], column: Int, type: ColumnType) {
        self.positions = positions
        keys = SortKeys(rows: rows, positions: positions, column: column, type: type)
        isFinished = positions.isEmpty
    }

    /// Fraction done, 0...1: extracting keys about a tenth, sorting most, the scan the rest.
    var progress: Double {
        if isFinished { return 1 }
        let n = Double(max(1, positions.count))
        if let sorter { return 0.1 + 0.8 * sorter.progress }
        if !order.isEmpty { return 0.9 + 0.1 * Double(scanned) / n }
        return 0.1 * Double(keys.count) / n
    }

    /// Does about `budget` units of work (a key extracted, an element merged, a row scanned); returns how many.
    mutating func step(budget: Int) -> Int {
        let budget = max(1, budget)
        if isFinished { return 0 }
        if !keys.isComplete {
            let done = keys.extract(budget: budget)
            if keys.isComplete { sorter = SlicedMergeSort(count: positions.count) }
            return done
        }
        if sorter != nil {
            let keys = self.keys
            if sorter!.step(budget: budget, less: { keys.compare($0, $1) < 0 }) {
                order = sorter!.order
                sorter = nil
                return min(budget, positions.count)  // (the rest to the scan)
            }
            return budget
        }
        let end = min(order.count, scanned + budget)
        let start = scanned
        for k in start..<end {
            if k > 0 && keys.compare(order[k - 1], order[k]) == 0 {
                counts[counts.count - 1] += 1
            } else {
                firstRows.append(positions[order[k]])
                counts.append(1)
            }
        }
        scanned = end
        if scanned == order.count {
            isFinished = true
            order = []
            keys = SortKeys(rows: [], positions: [], column: 0, type: .json)  // its buffers go now
        }
        return end - start
    }
}
