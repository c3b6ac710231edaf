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

    /// The first key of `keys` and how many times it comes in a row there (`keys` is not empty).
    public static func leadingRun(_ keys: ArraySlice<Key>) -> (key: Key, count: Int) {
        let key = keys[keys.startIndex]
        return (key, keys.prefix { $0 == key }.count)
    }

    /// The characters `keys` begins with (what a paste sends), or `nil` when it begins with another key.
    public static func leadingCharacters(_ keys: ArraySlice<Key>) -> [Character]? {
        var out: [Character] = []
        for key in keys {
            guard case .character(let c) = key else { break }
            out.append(c)
        }
        return out.isEmpty ? nil : out
    }
}
