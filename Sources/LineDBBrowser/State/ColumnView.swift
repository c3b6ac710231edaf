import LineDB

/// How the grid shows one table's columns: their order, the hidden ones and the widths set by hand. It is the view
/// only: never saved into the data (the schema's column order stays), remembered per table for the session.
///
/// It is kept by schema position, with the column names it was made for: a table whose columns changed (another
/// writer altered it) starts from its schema's order again.
public struct ColumnView: Sendable, Equatable {
    /// The column names of the schema it was made for, in schema order.
    public private(set) var names: [String]
    /// Schema positions in display order (every column, hidden ones too).
    public internal(set) var order: [Int]
    /// Schema positions of the hidden columns.
    public internal(set) var hidden: Set<Int> = []
    /// Widths set by hand (`<` `>` `_`), by schema position; the others fit their content on screen.
    public internal(set) var widths: [Int: Int] = [:]

    /// The schema's order, nothing hidden, every width automatic.
    public init(names: [String]) {
        self.names = names
        order = Array(names.indices)
    }

    /// Whether it was made for columns named `names` (exact code points, as the engine compares names).
    func fits(_ names: [String]) -> Bool {
        self.names.count == names.count && zip(self.names, names).allSatisfy { String.exactlyEqual($0, $1) }
    }

    /// Whether nothing differs from the schema's view.
    var isDefault: Bool { hidden.isEmpty && widths.isEmpty && order == Array(names.indices) }

    /// The shown columns in display order, the key column (`pinned`) first when it is shown.
    func shown(pinned: Int?) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(order.count)
        if let pinned, !hidden.contains(pinned), pinned < names.count { out.append(pinned) }
        for c in order where c != pinned && !hidden.contains(c) { out.append(c) }
        return out
    }
}
