import LineDB

/// The work of building a sheet's rows over a table's rows, done in slices by a ``ViewTask`` (a frequency or
/// describe sheet over 1M rows takes longer than a frame): ``step(budget:)`` does a bounded amount of work, and
/// ``rows`` holds the sheet's rows once ``isFinished``. Used from the one thread that runs the browser.
protocol SheetBuild: AnyObject {
    /// What the status line says it is doing ("counting", "describing").
    var label: String { get }
    /// Fraction done, 0...1.
    var progress: Double { get }
    var isFinished: Bool { get }
    /// Does about `budget` units of work (a cell read, a key compared); returns how many it did.
    func step(budget: Int) -> Int
    /// The sheet's rows (once finished; taken once).
    func takeRows() -> [[JSONValue]]
}
