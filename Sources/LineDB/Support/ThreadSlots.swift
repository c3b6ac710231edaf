/// One result slot per part of a parallel job (`DispatchQueue.concurrentPerform`): part `k` sets slot `k`, the
/// caller reads them all once the job is done. The parsers, encoders and copies that split work in parts share it.
final class ThreadSlots<T>: @unchecked Sendable {
    private let lock = PThreadMutex()
    private var slots: [T]

    init(count: Int, initial: T) { slots = Array(repeating: initial, count: count) }

    func set(_ k: Int, _ value: T) { lock.withLock { slots[k] = value } }

    /// Every slot, in part order.
    var values: [T] { lock.withLock { slots } }
}
