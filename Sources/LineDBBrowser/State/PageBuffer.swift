#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed number of plain values (integers, doubles) in their own anonymous memory mapping, for the large working
/// buffers of a sort (keys, permutations: megabytes at 1M rows). Unlike an `Array`, whose storage comes from the
/// heap and stays resident in the process after it is freed (the allocator keeps it for later, and a later buffer
/// of another size may not fit in the hole), the mapping is returned to the system the moment the last copy goes,
/// and its pages take memory only once written. So one sort after another does not add up, and the peak of a sort
/// is its own buffers.
///
/// Values start as zero bits. A value type: a copy that is written to gets its own mapping first (copy-on-write).
struct PageBuffer<Element: BitwiseCopyable>: Sendable {
    private final class Storage: @unchecked Sendable {
        let base: UnsafeMutablePointer<Element>?
        let count: Int

        init(count: Int) {
            self.count = count
            guard count > 0 else {
                base = nil
                return
            }
            let bytes = count * MemoryLayout<Element>.stride
            let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            guard let p, p != MAP_FAILED else {
                fatalError("PageBuffer: cannot map \(bytes) bytes for \(count) values: errno \(errno)")
            }
            base = p.bindMemory(to: Element.self, capacity: count)
        }

        deinit {
            if let base { munmap(base, count * MemoryLayout<Element>.stride) }
        }
    }

    private var storage: Storage

    /// `count` values, all zero bits (no memory is taken until they are written).
    init(zeros count: Int) {
        storage = Storage(count: count)
    }

    /// An empty buffer (no mapping).
    init() {
        storage = Storage(count: 0)
    }

    var count: Int { storage.count }

    subscript(k: Int) -> Element {
        @inline(__always) get {
            precondition(k >= 0 && k < storage.count, "PageBuffer: index \(k) out of 0..<\(storage.count)")
            return storage.base![k]
        }
        @inline(__always) set {
            precondition(k >= 0 && k < storage.count, "PageBuffer: index \(k) out of 0..<\(storage.count)")
            makeUnique()
            storage.base![k] = newValue
        }
    }

    /// Reads the values in place.
    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.base, count: storage.count))
    }

    /// Reads and writes the values in place.
    mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Element>) throws -> R
    ) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.base, count: storage.count))
    }

    /// Gives this copy its own mapping when another copy shares it.
    @inline(__always)
    private mutating func makeUnique() {
        guard !isKnownUniquelyReferenced(&storage) else { return }
        let copy = Storage(count: storage.count)
        if let from = storage.base, let to = copy.base { to.update(from: from, count: storage.count) }
        storage = copy
    }
}
