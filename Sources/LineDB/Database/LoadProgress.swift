/// How far opening a database has read a table's records file (see ``DatabaseOptions/loadProgress``).
public struct LoadProgress: Sendable, Equatable {
    /// The table being loaded.
    public var table: String
    /// Bytes of its records file read and indexed so far.
    public var bytesRead: Int
    /// The size of its records file when the open began.
    public var totalBytes: Int

    /// A fraction from 0 to 1 (1 for an empty file).
    public var fraction: Double { totalBytes > 0 ? min(1, Double(bytesRead) / Double(totalBytes)) : 1 }

    /// A progress report: `bytesRead` of the `totalBytes` of `table`'s records file have been read and indexed.
    ///
    /// The engine makes these and passes them to ``DatabaseOptions/loadProgress``; a program makes one itself to
    /// report progress of its own in the same form, or in a test, to compare with what it received.
    ///
    /// - Parameters:
    ///   - table: the table being loaded.
    ///   - bytesRead: bytes of its records file read so far, from 0 to `totalBytes`.
    ///   - totalBytes: the size of its records file when the open began.
    public init(table: String, bytesRead: Int, totalBytes: Int) {
        self.table = table
        self.bytesRead = bytesRead
        self.totalBytes = totalBytes
    }
}
