/// Keys typed while a search, filter, sort, sheet or query runs, that must wait for it: kept in the order typed and
/// applied once the work they depend on is done (``BrowserState/replayTypeAhead(context:)``). A first-in first-out
/// queue whose removal from the front costs nothing (a paste of thousands of keys is taken out one by one).
public struct TypeAhead: Sendable, Equatable {
    /// The most keys kept: a key typed when this many wait is refused, with a message (never dropped silently).
    public static let capacity = 100_000

    private var items: [Key] = []
    /// The position of the first waiting key in `items`.
    private var head = 0

    /// No key waits.
    public init() {}

    /// Whether no key waits.
    public var isEmpty: Bool { head == items.count }
    /// How many keys wait.
    public var count: Int { items.count - head }
    /// The key typed first, applied next.
    public var first: Key? { isEmpty ? nil : items[head] }
    /// The waiting keys, oldest first.
    public var keys: ArraySlice<Key> { items[head...] }

    /// Adds a key at the end; `false` (nothing added) when ``capacity`` keys already wait.
    mutating func append(_ key: Key) -> Bool {
        guard count < Self.capacity else { return false }
        items.append(key)
        return true
    }

    /// Takes the oldest key out.
    @discardableResult
    mutating func removeFirst() -> Key? {
        guard !isEmpty else { return nil }
        let key = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 4096 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return key
    }

    /// Drops every waiting key; returns how many there were.
    @discardableResult
    mutating func removeAll() -> Int {
        let n = count
        items = []
        head = 0
        return n
    }
}
