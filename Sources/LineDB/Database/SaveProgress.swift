import Synchronization

/// How far the records-file writing of a running ``Database/save()`` (or of the save inside a
/// ``Database/checkpoint()``) is: read by another thread through ``Database/saveProgress`` while the save holds the
/// database, to show progress.
public struct SaveProgress: Sendable, Equatable {
    /// The table whose records file is being written.
    public var table: String
    /// Records of that table written so far.
    public var written: Int
    /// Records of that table to write.
    public var total: Int

    /// `written / total`, from 0 to 1 (1 for an empty table).
    public var fraction: Double { total == 0 ? 1 : Double(written) / Double(total) }
}

/// The progress cell a save writes and other threads read, under a lock of its own (never the state lock).
final class SaveProgressCell: Sendable {
    private let value = Mutex<SaveProgress?>(nil)

    func set(_ progress: SaveProgress?) { value.withLock { $0 = progress } }

    var current: SaveProgress? { value.withLock { $0 } }
}

extension Database {
    /// The progress of the records file being rewritten by a running save or checkpoint, or `nil` when none is being
    /// rewritten. Readable from any thread at any time without waiting for the save (it does not take the database's
    /// lock); a save updates it every 200,000 records.
    public var saveProgress: SaveProgress? { saveProgressCell.current }
}
