import LineDB

/// A search, filter or sort over the open table that may take long (hundreds of milliseconds at 1M rows), run
/// in slices between key reads: ``step(budget:)`` does a bounded amount of work and returns. It works on a
/// snapshot of the rows and the view it started from; the state applies the ``Outcome`` when it is finished,
/// and keeps its view untouched when the task is cancelled.
public struct ViewTask: Sendable {
    /// What the task is for.
    public enum Goal: Sendable, Equatable {
        /// Keep the rows of the input that pass, in the input's order, then sort them if `sort` is set.
        case filter(RowFilter, sort: SortOrder?)
        /// Sort the input (the current view; every row for `clearsFilter`: the filter goes once it is done).
        case sort(SortOrder, clearsFilter: Bool = false)
        /// Find the next (or previous) cell that contains `search`, starting at the cursor (`inclusive`: the cursor's
        /// own cell counts); `isNew`: a new search typed after `/`, which becomes the search once a match is found.
        case seek(search: String, forward: Bool, inclusive: Bool, isNew: Bool)
    }

    /// A sort by one column.
    public struct SortOrder: Sendable, Equatable {
        public var column: Int
        public var descending: Bool
    }

    /// What a finished task gives the state.
    enum Outcome: Sendable {
        case view([Int])
        case found(row: Int, column: Int)
        case notFound
    }

    public let goal: Goal
    private let rows: [[JSONValue]]
    private let types: [ColumnType]
    /// Positions in `rows` the task works on, in order.
    private let input: [Int]
    private let keyColumn: Int?
    private(set) var outcome: Outcome?

    // The phase's working data, in stored properties (not enum payloads) so that slices mutate them in place.
    private enum Phase: Sendable { case filtering, extracting, sorting, seeking }
    private var phase: Phase
    private var filterScan: FilterScan?
    private var order: SortOrder?
    /// The positions being sorted, and their keys (same order).
    private var list: [Int] = []
    private var keys: SortKeys?
    private var sorter: SlicedMergeSort?
    private var cellScan: CellScan?

    /// - Parameters:
    ///   - rows: the table's rows.
    ///   - types: the column types.
    ///   - input: the positions in `rows` to filter, sort or search, in order.
    ///   - cursor: for a seek, the cursor's (index into `input`, column).
    ///   - keyColumn: the primary key's position: sorting by it is sorting by row position (rows are in key order).
    init(_ goal: Goal, rows: [[JSONValue]], types: [ColumnType], keyColumn: Int?, input: [Int],
         cursor: (row: Int, column: Int)) {
        self.goal = goal
        self.rows = rows
        self.types = types
        self.keyColumn = keyColumn
        self.input = input
        switch goal {
        case .filter(let filter, let sort):
            phase = .filtering
            order = sort
            filterScan = FilterScan(filter.compiled(type: types[filter.column]), count: input.count)
        case .sort(let sort, _):
            phase = .extracting
            order = sort
            list = input
            keys = SortKeys(type: types[sort.column], capacity: input.count)
        case .seek(let search, let forward, let inclusive, _):
            phase = .seeking
            cellScan = CellScan(TextMatcher(search), rows: input.count, columns: types.count, from: cursor,
                                forward: forward, inclusive: inclusive)
        }
    }

    /// What the status line says it is doing.
    public var label: String {
        switch phase {
        case .filtering: return "filtering"
        case .extracting, .sorting: return "sorting"
        case .seeking: return "searching"
        }
    }

    /// Fraction done, 0...1 (of the current phase; a filter that sorts afterwards starts again at 0 to sort).
    public var progress: Double {
        if outcome != nil { return 1 }
        switch phase {
        case .filtering: return filterScan?.progress ?? 0
        case .extracting:
            // Extracting the keys is about a tenth of a sort.
            return list.isEmpty ? 0 : 0.1 * Double(keys?.count ?? 0) / Double(list.count)
        case .sorting: return 0.1 + 0.9 * (sorter?.progress ?? 0)
        case .seeking: return cellScan?.progress ?? 0
        }
    }

    public var isFinished: Bool { outcome != nil }

    /// Does about `budget` units of work (a row tested, a key extracted, an element merged, a cell searched).
    /// Returns whether the task is finished.
    mutating func step(budget: Int) -> Bool {
        var left = max(1, budget)
        while left > 0 && outcome == nil {
            switch phase {
            case .filtering:
                left -= filterScan!.step(budget: left, rows: rows, input: input)
                guard filterScan!.isFinished else { continue }
                let passed = filterScan!.passed
                filterScan = nil
                if let order {
                    phase = .extracting
                    list = passed
                    keys = SortKeys(type: types[order.column], capacity: passed.count)
                } else {
                    outcome = .view(passed)
                }
            case .extracting:
                guard let column = order?.column else { return true }
                if column == keyColumn {
                    // Rows are kept in primary-key order: the row positions are the sort keys (no keys to extract).
                    keys = nil
                    phase = .sorting
                    sorter = SlicedMergeSort(count: list.count)
                    continue
                }
                let before = keys!.count
                let end = min(list.count, before + left)
                for k in before..<end { keys!.append(rows[list[k]][column]) }
                left -= max(1, end - before)
                if end == list.count {
                    phase = .sorting
                    sorter = SlicedMergeSort(count: list.count)
                }
            case .sorting:
                let descending = order?.descending ?? false
                let keys = self.keys
                let finished = list.withUnsafeBufferPointer { positions in
                    guard let keys else {
                        // By the key column: by row position.
                        return sorter!.step(budget: left) { a, b in
                            descending ? positions[a] > positions[b] : positions[a] < positions[b]
                        }
                    }
                    return sorter!.step(budget: left) { a, b in
                        let c = keys.compare(a, b)
                        if c != 0 { return descending ? c > 0 : c < 0 }
                        return positions[a] < positions[b]
                    }
                }
                left = 0
                if finished {
                    let list = self.list
                    outcome = .view(sorter!.order.map { list[$0] })
                    sorter = nil
                    self.keys = nil
                }
            case .seeking:
                left -= cellScan!.step(budget: left, rows: rows, input: input)
                if let hit = cellScan!.hit {
                    outcome = .found(row: hit.row, column: hit.column)
                } else if cellScan!.isFinished {
                    outcome = .notFound
                }
            }
        }
        return outcome != nil
    }

    /// Runs the task to its end at once (small tables, and views rebuilt after an edit or a reload).
    mutating func finish() {
        while !step(budget: 1 << 30) {}
    }
}

/// Tests each row of a list against a filter.
struct FilterScan: Sendable {
    let filter: CompiledFilter
    let count: Int
    private(set) var next = 0
    private(set) var passed: [Int] = []

    init(_ filter: CompiledFilter, count: Int) {
        self.filter = filter
        self.count = count
    }

    var isFinished: Bool { next >= count }
    var progress: Double { count == 0 ? 1 : Double(next) / Double(count) }

    /// Tests up to `budget` rows; returns how many.
    mutating func step(budget: Int, rows: [[JSONValue]], input: [Int]) -> Int {
        let end = min(count, next + max(1, budget))
        let column = filter.column
        for k in next..<end where filter.matches(rows[input[k]][column]) { passed.append(input[k]) }
        defer { next = end }
        return end - next
    }
}

/// Walks the cells of a list of rows from a starting cell, forwards or backwards, wrapping around once, until one
/// contains the search text.
struct CellScan: Sendable {
    let matcher: TextMatcher
    let columns: Int
    let total: Int
    let start: Int
    let forward: Bool
    /// Steps from `start` still to look at: `next...last`.
    private(set) var next: Int
    let last: Int
    private(set) var hit: (row: Int, column: Int)?

    init(_ matcher: TextMatcher, rows: Int, columns: Int, from cursor: (row: Int, column: Int), forward: Bool,
         inclusive: Bool) {
        self.matcher = matcher
        self.columns = columns
        total = rows * columns
        start = cursor.row * columns + cursor.column
        self.forward = forward
        next = inclusive ? 0 : 1
        last = inclusive ? total - 1 : total
    }

    var isFinished: Bool { hit != nil || next > last }
    var progress: Double { total == 0 ? 1 : Double(next) / Double(total) }

    /// Looks at up to `budget` cells; returns how many.
    mutating func step(budget: Int, rows: [[JSONValue]], input: [Int]) -> Int {
        guard total > 0 else {
            next = last + 1
            return 1
        }
        let end = min(last, next + max(1, budget) - 1)
        let first = next
        var s = next
        while s <= end {
            let p = ((start + (forward ? s : -s)) % total + total) % total
            let r = p / columns, c = p % columns
            if matcher.matches(rows[input[r]][c]) {
                hit = (r, c)
                next = s + 1
                return s - first + 1
            }
            s += 1
        }
        next = end + 1
        return end - first + 1
    }
}

/// Counts the rows of a list that have a cell containing the search text (the total the status line shows),
/// in slices, after the first match was shown.
struct MatchCounter: Sendable {
    let search: String
    let matcher: TextMatcher
    /// The view generation the count is of; a changed view starts the count again.
    let generation: Int
    private let rows: [[JSONValue]]
    private let input: [Int]
    private(set) var next = 0
    private(set) var matches = 0

    init(search: String, rows: [[JSONValue]], input: [Int], generation: Int) {
        self.search = search
        matcher = TextMatcher(search)
        self.rows = rows
        self.input = input
        self.generation = generation
    }

    var isFinished: Bool { next >= input.count }
    var progress: Double { input.isEmpty ? 1 : Double(next) / Double(input.count) }

    /// Looks at rows for about `budget` cells; returns whether the count is finished.
    mutating func step(budget: Int) -> Bool {
        let width = max(1, rows.first?.count ?? 1)
        let end = min(input.count, next + max(1, budget / width))
        let matcher = matcher
        for k in next..<end where rows[input[k]].contains(where: matcher.matches) { matches += 1 }
        next = end
        return isFinished
    }
}
