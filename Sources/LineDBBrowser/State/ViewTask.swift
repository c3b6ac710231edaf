import LineDB

/// A search, filter or sort over the open table that may take long (hundreds of milliseconds at 1M rows), run
/// in slices between key reads: ``step(budget:)`` does a bounded amount of work and returns. It works on a
/// snapshot of the rows and the view it started from; the state applies the ``Outcome`` when it is finished,
/// and keeps its view untouched when the task is cancelled. Copies of a task are the same task (its work in
/// progress is shared, not copied).
public struct ViewTask: Sendable {
    /// What the task is for.
    public enum Goal: Sendable, Equatable {
        /// Keep the rows of the input that pass every filter of the list (one after the other), in the input's
        /// order, then sort them by `sort` unless it is empty; once done, the state's filter stack is `stack`.
        case filter([ViewFilter], sort: [SortOrder], stack: [ViewFilter])
        /// Sort the input (the current view; every row for `clearsFilter`: the filter goes once it is done) by the
        /// columns of the list, the first deciding first; ties keep the natural (key) order. An empty list is the
        /// natural order itself.
        case sort([SortOrder], clearsFilter: Bool = false)
        /// Find the next (or previous) cell that matches `search` (in its columns), starting at the cursor
        /// (`inclusive`: the cursor's own cell counts); `isNew`: a new search typed after `/`, which becomes the
        /// search once a match is found.
        case seek(search: SearchPattern, forward: Bool, inclusive: Bool, isNew: Bool)
        /// Count the distinct values of a column over the input: the rows of a frequency sheet (``FrequencyBuild``).
        case frequency(column: Int)
        /// Statistics of every column (named `names`) over the input: the rows of a describe sheet
        /// (``DescribeBuild``).
        case describe(names: [String])
    }

    /// One column of a sort: its position in the schema, and the direction.
    public struct SortOrder: Sendable, Equatable {
        public var column: Int
        public var descending: Bool

        public init(column: Int, descending: Bool) {
            self.column = column
            self.descending = descending
        }
    }

    /// What a finished task gives the state.
    enum Outcome: Sendable {
        case view([Int])
        /// A match at (index into the input, column); `wrapped`: found past the end (or start) of the input.
        case found(row: Int, column: Int, wrapped: Bool)
        case notFound
        /// A filter expression failed while it was evaluated (SQLite's message): nothing changes.
        case failed(FilterExpressionError)
        /// The rows of a sheet (``Goal/frequency(column:)``, ``Goal/describe(names:)``).
        case sheet([[JSONValue]])
    }

    public let goal: Goal
    /// The work in progress. Shared by every copy of the task: the app keeps a copy of the state between frames,
    /// and a task that were a value would copy its megabytes of keys and buffers at every slice (copy-on-write)
    /// and hold them twice.
    private let work: ViewTaskWork

    /// - Parameters:
    ///   - rows: the table's rows.
    ///   - types: the column types.
    ///   - input: the positions in `rows` to filter, sort or search, in order.
    ///   - cursor: for a seek, the cursor's (index into `input`, column).
    ///   - keyColumn: the primary key's position: sorting by it is sorting by row position (rows are in key order).
    ///   - expressions: what evaluates a filter's SQL expression, with the table's schema.
    init(_ goal: Goal, rows: [[JSONValue]], types: [ColumnType], keyColumn: Int?, input: [Int],
         cursor: (row: Int, column: Int), expressions: (FilterEvaluator, TableSchema)? = nil) {
        self.goal = goal
        work = ViewTaskWork(goal, rows: rows, types: types, keyColumn: keyColumn, input: input, cursor: cursor,
                            expressions: expressions)
    }

    /// What the status line says it is doing.
    public var label: String { work.label }

    /// Fraction done, 0...1 (of the current phase; a filter that sorts afterwards starts again at 0 to sort).
    public var progress: Double { work.progress }

    public var isFinished: Bool { work.outcome != nil }

    /// For a filter that narrows the view (one filter, no sort after it): the rows found to pass so far, in the
    /// input's order. They are the start of the result, so the state can show them before the task ends.
    var matchesSoFar: [Int]? { work.matchesSoFar }

    /// The view, cursor row and scroll the state had when it showed ``matchesSoFar`` early: what Esc (or a failure)
    /// puts back.
    var shownEarly: (view: [Int], row: Int, top: Int)?

    /// What the task found, once finished.
    var outcome: Outcome? { work.outcome }

    /// Does about `budget` units of work (a row tested, a key extracted, an element merged, a cell searched).
    /// Returns whether the task is finished.
    mutating func step(budget: Int) -> Bool {
        work.step(budget: budget)
    }

    /// Runs the task to its end at once (small tables, and views rebuilt after an edit or a reload).
    mutating func finish() {
        while !step(budget: 1 << 30) {}
    }
}

/// The state of a ``ViewTask`` in progress (a class: see ``ViewTask``'s `work`). Used from the one thread that
/// runs the browser.
private final class ViewTaskWork: @unchecked Sendable {
    typealias Goal = ViewTask.Goal
    typealias SortOrder = ViewTask.SortOrder
    typealias Outcome = ViewTask.Outcome

    private let rows: [[JSONValue]]
    private let types: [ColumnType]
    /// Positions in `rows` the task works on, in order.
    private let input: [Int]
    private let keyColumn: Int?
    private(set) var outcome: Outcome?

    // The phase's working data, in stored properties (not enum payloads) so that slices mutate them in place.
    private enum Phase: Sendable { case filtering, extracting, sorting, seeking, building }
    private var phase: Phase
    /// The filters still to apply (the first is running), the rows the running one tests, how many there were.
    private var filters: [ViewFilter] = []
    private var filterInput: [Int] = []
    private var filterCount = 0
    private var filterScan: FilterScan?
    private var expressionScan: ExpressionScan?
    private let expressions: (FilterEvaluator, TableSchema)?
    /// The sort's columns, up to the first that is the key column (it decides every tie: the rest cannot matter).
    private var order: [SortOrder] = []
    /// Whether the sort applies after the filters (a sort goal, or a filter with a sort).
    private var sorts = false
    /// The positions being sorted, and their keys (same order): one ``SortKeys`` per column of ``order`` that is
    /// not the key column, extracted one after the other.
    private var list: [Int] = []
    private var keys: [SortKeys] = []
    private var sorter: SlicedMergeSort?
    private var cellScan: CellScan?
    /// A sheet's rows being built.
    private var sheetBuild: SheetBuild?
    /// Whether the heap is to be trimmed in the first slice (a filter or sort: see ``HeapTrim``).
    private var trimsHeap: Bool

    /// - Parameters:
    ///   - rows: the table's rows.
    ///   - types: the column types.
    ///   - input: the positions in `rows` to filter, sort or search, in order.
    ///   - cursor: for a seek, the cursor's (index into `input`, column).
    ///   - keyColumn: the primary key's position: sorting by it is sorting by row position (rows are in key order).
    ///   - expressions: what evaluates a filter's SQL expression, with the table's schema.
    init(_ goal: Goal, rows: [[JSONValue]], types: [ColumnType], keyColumn: Int?, input: [Int],
         cursor: (row: Int, column: Int), expressions: (FilterEvaluator, TableSchema)?) {
        self.rows = rows
        self.types = types
        self.keyColumn = keyColumn
        self.input = input
        self.expressions = expressions
        switch goal {
        // (Not before a sheet: a trim can take tens of milliseconds, a frame's worth, and a sheet's peak is small.)
        case .seek, .frequency, .describe: trimsHeap = false
        default: trimsHeap = true
        }
        switch goal {
        case .filter(let list, let sort, _):
            phase = .filtering
            order = ViewTaskWork.effective(sort, keyColumn: keyColumn)
            sorts = !sort.isEmpty
            filters = list
            filterCount = list.count
            filterInput = input
        case .sort(let sort, _):
            phase = .extracting
            order = ViewTaskWork.effective(sort, keyColumn: keyColumn)
            sorts = true
            list = input
        case .seek(let search, let forward, let inclusive, _):
            phase = .seeking
            if let matcher = try? SearchMatcher.make(search).get() {
                cellScan = CellScan(matcher, rows: input.count, columns: types.count, from: cursor,
                                    forward: forward, inclusive: inclusive)
            } else {
                outcome = .notFound  // (the state refuses a bad pattern before it starts a task)
            }
        case .frequency(let column):
            phase = .building
            sheetBuild = FrequencyBuild(rows: rows, input: input, column: column, type: types[column])
        case .describe(let names):
            phase = .building
            sheetBuild = DescribeBuild(rows: rows, input: input, names: names, types: types)
        }
    }

    /// See ``ViewTask/matchesSoFar``.
    var matchesSoFar: [Int]? {
        guard outcome == nil, phase == .filtering, filterCount == 1, !sorts else { return nil }
        return filterScan?.passed ?? expressionScan?.passed
    }

    /// What the status line says it is doing.
    var label: String {
        switch phase {
        case .filtering: return "filtering"
        case .extracting, .sorting: return "sorting"
        case .seeking: return "searching"
        case .building: return sheetBuild?.label ?? "building"
        }
    }

    /// Fraction done, 0...1 (of the current phase; a filter that sorts afterwards starts again at 0 to sort).
    var progress: Double {
        if outcome != nil { return 1 }
        switch phase {
        case .filtering:
            // Each filter of the list is an equal share.
            let done = filterCount - filters.count
            let current = filterScan?.progress ?? expressionScan?.progress ?? 0
            return filterCount == 0 ? 0 : (Double(done) + current) / Double(filterCount)
        case .extracting:
            // Extracting the keys is about a tenth of a sort.
            let total = list.count * max(1, keyColumnsToExtract)
            return total == 0 ? 0 : 0.1 * Double(keys.reduce(0) { $0 + $1.count }) / Double(total)
        case .sorting: return 0.1 + 0.9 * (sorter?.progress ?? 0)
        case .seeking: return cellScan?.progress ?? 0
        case .building: return sheetBuild?.progress ?? 0
        }
    }

    /// Does about `budget` units of work (a row tested, a key extracted, an element merged, a cell searched).
    /// Returns whether the task is finished.
    func step(budget: Int) -> Bool {
        if trimsHeap {
            trimsHeap = false
            HeapTrim.beforeOperation(rows: input.count)
        }
        var left = max(1, budget)
        while left > 0 && outcome == nil {
            switch phase {
            case .filtering:
                if filterScan == nil && expressionScan == nil, let first = filters.first {
                    // The next filter of the list, over the rows the previous ones kept.
                    switch first {
                    case .column(let f):
                        filterScan = FilterScan(f.compiled(type: types[f.column]), count: filterInput.count)
                    case .expression(let sql):
                        do {
                            expressionScan = try ExpressionScan(sql, rows: rows, input: filterInput,
                                                                expressions: expressions)
                        } catch {
                            outcome = .failed(error as? FilterExpressionError
                                ?? FilterExpressionError(message: "\(error)"))
                            continue
                        }
                    }
                }
                let passed: [Int]
                if filterScan != nil {
                    left -= filterScan!.step(budget: left, rows: rows, input: filterInput)
                    guard filterScan!.isFinished else { continue }
                    passed = filterScan!.passed
                    filterScan = nil
                } else if expressionScan != nil {
                    do {
                        left -= try expressionScan!.step(budget: left, input: filterInput)
                    } catch {
                        outcome = .failed(error as? FilterExpressionError ?? FilterExpressionError(message: "\(error)"))
                        continue
                    }
                    guard expressionScan!.isFinished else { continue }
                    passed = expressionScan!.passed
                    expressionScan = nil
                } else {
                    passed = filterInput  // no filter at all
                }
                if !filters.isEmpty { filters.removeFirst() }
                filterInput = passed
                if !filters.isEmpty { continue }
                filterInput = []
                if sorts {
                    phase = .extracting
                    list = passed
                } else {
                    outcome = .view(passed)
                }
            case .extracting:
                if keys.isEmpty && (order.first.map { $0.column == keyColumn } ?? true) {
                    // Rows are kept in primary-key order: the row positions are the sort keys (no keys to extract);
                    // no sort columns at all is that order too. The list is usually in that order already (every
                    // row, or a filter of them): then it is the result as it is, or reversed, with no sort and no
                    // buffers.
                    let descending = order.first?.descending ?? false
                    left -= list.count / 8
                    if isAscending(list) {
                        outcome = .view(descending ? Array(list.reversed()) : list)
                        list = []
                        continue
                    }
                    phase = .sorting
                    sorter = SlicedMergeSort(count: list.count)
                    continue
                }
                // One column's keys after the other's (the key column's, last if at all, needs none).
                if keys.isEmpty || keys[keys.count - 1].isComplete {
                    let c = order[keys.count]
                    keys.append(SortKeys(rows: rows, positions: list, column: c.column, type: types[c.column]))
                }
                left -= max(1, keys[keys.count - 1].extract(budget: left))
                if keys.count == keyColumnsToExtract && keys[keys.count - 1].isComplete {
                    phase = .sorting
                    sorter = SlicedMergeSort(count: list.count)
                }
            case .sorting:
                let finished = sortStep(budget: left)
                left = 0
                if finished {
                    // Released before the result is built: the keys (17 MB for strings at 1M rows), then the sort's
                    // spare buffer; its result is the one new array.
                    self.keys = []
                    outcome = .view(sorter!.take(from: list))
                    sorter = nil
                    list = []
                }
            case .seeking:
                left -= cellScan!.step(budget: left, rows: rows, input: input)
                if let hit = cellScan!.hit {
                    outcome = .found(row: hit.row, column: hit.column, wrapped: cellScan!.wrapped)
                } else if cellScan!.isFinished {
                    outcome = .notFound
                }
            case .building:
                left -= max(1, sheetBuild!.step(budget: left))
                if sheetBuild!.isFinished {
                    outcome = .sheet(sheetBuild!.takeRows())
                    sheetBuild = nil
                }
            }
        }
        return outcome != nil
    }

    /// One slice of the sort (in a function of its own, so that nothing it holds outlives it).
    private func sortStep(budget: Int) -> Bool {
        let keys = self.keys
        // The direction of each key, and of the row positions that break ties (the key column's when it is in the
        // sort, the natural order otherwise).
        let directions = order.prefix(keys.count).map(\.descending)
        let tieDescending = keys.count < order.count ? order[keys.count].descending : false
        return list.withUnsafeBufferPointer { positions in
            if keys.isEmpty {
                // By the key column (or no column): by row position.
                return sorter!.step(budget: budget) { a, b in
                    tieDescending ? positions[a] > positions[b] : positions[a] < positions[b]
                }
            }
            if keys.count == 1 {
                let keys = keys[0], descending = directions[0]
                return sorter!.step(budget: budget) { a, b in
                    let c = keys.compare(a, b)
                    if c != 0 { return descending ? c > 0 : c < 0 }
                    return tieDescending ? positions[a] > positions[b] : positions[a] < positions[b]
                }
            }
            if keys.count == 2 {
                // Two columns (the common case), each key in a constant of its own: no array access per comparison.
                let first = keys[0], second = keys[1], d0 = directions[0], d1 = directions[1]
                return sorter!.step(budget: budget) { a, b in
                    var c = first.compare(a, b)
                    if c != 0 { return d0 ? c > 0 : c < 0 }
                    c = second.compare(a, b)
                    if c != 0 { return d1 ? c > 0 : c < 0 }
                    return tieDescending ? positions[a] > positions[b] : positions[a] < positions[b]
                }
            }
            return keys.withUnsafeBufferPointer { keys in
                sorter!.step(budget: budget) { a, b in
                    for k in 0..<keys.count {
                        let c = keys[k].compare(a, b)
                        if c != 0 { return directions[k] ? c > 0 : c < 0 }
                    }
                    return tieDescending ? positions[a] > positions[b] : positions[a] < positions[b]
                }
            }
        }
    }

    /// The columns of a sort that can matter: up to the first that is the key column (unique: it decides every tie),
    /// each column once (its first place counts).
    static func effective(_ orders: [SortOrder], keyColumn: Int?) -> [SortOrder] {
        var out: [SortOrder] = []
        for o in orders where !out.contains(where: { $0.column == o.column }) {
            out.append(o)
            if o.column == keyColumn { break }
        }
        return out
    }

    /// How many columns of the sort have keys to extract (all but the key column, last if at all).
    private var keyColumnsToExtract: Int {
        order.last?.column == keyColumn ? order.count - 1 : order.count
    }

    /// Whether the positions are in increasing order.
    private func isAscending(_ positions: [Int]) -> Bool {
        positions.withUnsafeBufferPointer { p in
            var k = 1
            while k < p.count {
                if p[k - 1] >= p[k] { return false }
                k += 1
            }
            return true
        }
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

/// Walks the cells of a list of rows (in the search's columns) from a starting cell, forwards or backwards, wrapping
/// around once, until one matches the search.
struct CellScan: Sendable {
    let matcher: SearchMatcher
    /// The columns searched, in order.
    let scope: [Int]
    let columns: Int
    let total: Int
    let start: Int
    let forward: Bool
    /// Steps from `start` still to look at: `next...last`.
    private(set) var next: Int
    let last: Int
    private(set) var hit: (row: Int, column: Int)?
    /// Whether the hit was found past the last row (forwards) or before the first (backwards).
    private(set) var wrapped = false

    init(_ matcher: SearchMatcher, rows: Int, columns: Int, from cursor: (row: Int, column: Int), forward: Bool,
         inclusive: Bool) {
        self.matcher = matcher
        scope = matcher.scope(columns: columns)
        self.columns = scope.count
        total = rows * scope.count
        // A cursor outside the searched column starts at that column of its row, which then counts.
        let place = scope.firstIndex(of: cursor.column)
        start = cursor.row * scope.count + (place ?? 0)
        let inclusive = inclusive || place == nil
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
            let r = p / columns, c = scope[p % columns]
            if matcher.matches(rows[input[r]][c]) {
                hit = (r, c)
                wrapped = forward ? start + s >= total : start - s < 0
                next = s + 1
                return s - first + 1
            }
            s += 1
        }
        next = end + 1
        return end - first + 1
    }
}

/// Counts the rows of a list that have a matching cell (in the search's columns) and the matching cells (the total
/// the status line shows), and which match the cell `target` is (its "match k of N"), in slices, after the first
/// match was shown.
struct MatchCounter: Sendable {
    let search: String
    let matcher: SearchMatcher
    /// The view generation the count is of; a changed view starts the count again.
    let generation: Int
    /// The cell (index into the input, column) whose rank among the matches is counted.
    let target: (row: Int, column: Int)?
    private let rows: [[JSONValue]]
    private let input: [Int]
    private let scope: [Int]
    private(set) var next = 0
    /// Rows with a match, and matching cells, so far.
    private(set) var matches = 0
    private(set) var cells = 0
    /// Matching cells up to and including `target`, once the count has passed its row.
    private(set) var rank: Int?

    init(matcher: SearchMatcher, rows: [[JSONValue]], input: [Int], generation: Int,
         target: (row: Int, column: Int)? = nil) {
        search = matcher.pattern.text
        self.matcher = matcher
        self.rows = rows
        self.input = input
        self.generation = generation
        self.target = target
        scope = matcher.scope(columns: rows.first?.count ?? 0)
    }

    var isFinished: Bool { next >= input.count }
    var progress: Double { input.isEmpty ? 1 : Double(next) / Double(input.count) }

    /// Looks at rows for about `budget` cells; returns whether the count is finished.
    mutating func step(budget: Int) -> Bool {
        let width = max(1, scope.count)
        let end = min(input.count, next + max(1, budget / width))
        let matcher = matcher
        for k in next..<end {
            let row = rows[input[k]]
            var found = 0
            for c in scope where c < row.count && matcher.matches(row[c]) {
                found += 1
                if let target, target.row == k, c == target.column { rank = cells + found }
            }
            if let target, target.row == k, rank == nil { rank = cells + found }  // (the target itself no match)
            if found > 0 {
                matches += 1
                cells += found
            }
        }
        next = end
        return isFinished
    }
}
