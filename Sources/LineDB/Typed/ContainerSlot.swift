/// One keyed container kept from one record to the next by ``RowDecoder`` and ``RowEncoder``, for the key type asked
/// for last. Making a new container for every record asks the Swift runtime for its generic metadata (the
/// container, its box, their conformances) each time, which cost about a fifth of decoding a row; a kept one costs
/// a compare. Type-erased, so one slot serves any key type; another key type replaces what it holds.
struct ContainerSlot: ~Copyable {
    private var key: ObjectIdentifier?
    private var storage: UnsafeMutableRawPointer?
    /// Deinitializes and frees `storage` (it knows the container's type).
    private var destroy: ((UnsafeMutableRawPointer) -> Void)?

    init() {}

    deinit {
        if let storage, let destroy { destroy(storage) }
    }

    /// The container kept for `Key`, or the one `make` returns, which is kept from then on.
    mutating func container<Key, Container>(for _: Key.Type, make: () -> Container) -> Container {
        if let storage, key == ObjectIdentifier(Key.self) {
            return storage.assumingMemoryBound(to: Container.self).pointee
        }
        let container = make()
        if let storage, let destroy { destroy(storage) }
        let p = UnsafeMutablePointer<Container>.allocate(capacity: 1)
        p.initialize(to: container)
        storage = UnsafeMutableRawPointer(p)
        key = ObjectIdentifier(Key.self)
        destroy = { raw in
            let p = raw.assumingMemoryBound(to: Container.self)
            p.deinitialize(count: 1)
            p.deallocate()
        }
        return container
    }
}
