/// The keys read before one frame, grouped for handling: runs of the same key become one key with a count, so that
/// 30 queued `j` are one move of 30 rows (see ``BrowserState/handle(_:repeat:context:)``).
public enum KeyBatch {
    /// Consecutive equal keys as (key, how many times), in order.
    public static func runs(_ keys: [Key]) -> [(key: Key, count: Int)] {
        var out: [(key: Key, count: Int)] = []
        for key in keys {
            if let last = out.last, last.key == key {
                out[out.count - 1].count += 1
            } else {
                out.append((key, 1))
            }
        }
        return out
    }
}
