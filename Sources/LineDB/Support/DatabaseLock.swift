#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The database's state lock: a ``PThreadMutex`` that knows which thread holds it, so that a thread that calls the
/// database again while it holds the lock (from a transaction's closure, say) gets
/// ``LineDBError/reentrantCall`` at once instead of waiting for itself for ever.
///
/// Only the holder writes its own thread's identity into `owner` (after locking) and clears it (before
/// unlocking), so `owner == this thread` is true exactly while this thread holds the lock, whatever other threads
/// do; a relaxed atomic is enough for that.
package final class DatabaseLock: @unchecked Sendable {
    private let mutex = PThreadMutex()
    private let owner = Atomic<UInt>(0)

    package init() {}

    /// Whether the calling thread holds the lock.
    package var isHeldByCurrentThread: Bool { owner.load(ordering: .relaxed) == DatabaseLock.currentThread }

    /// Runs `body` holding the lock.
    ///
    /// - Throws: ``LineDBError/reentrantCall`` when the calling thread holds the lock already; what `body` throws.
    package func withLock<T>(_ body: () throws(LineDBError) -> T) throws(LineDBError) -> T {
        let me = DatabaseLock.currentThread
        if owner.load(ordering: .relaxed) == me { throw .reentrantCall }
        return try locked(by: me, body)
    }

    /// Runs `body` holding the lock (for a body that throws other errors than ``LineDBError``).
    ///
    /// - Throws: ``LineDBError/reentrantCall`` when the calling thread holds the lock already; what `body` throws.
    package func withLock<T>(_ body: () throws -> T) throws -> T {
        let me = DatabaseLock.currentThread
        if owner.load(ordering: .relaxed) == me { throw LineDBError.reentrantCall }
        return try locked(by: me, body)
    }

    /// Runs `body` holding the lock, or, when the calling thread holds it already, runs it as it is: for the
    /// few calls that cannot throw (``Database/tableNames``, ``Database/stats()``, ``Database/warnings``...),
    /// which then answer from the state as the holder sees it.
    package func withLockOrHeld<T>(_ body: () -> T) -> T {
        let me = DatabaseLock.currentThread
        if owner.load(ordering: .relaxed) == me { return body() }
        return locked(by: me, body)
    }

    /// Takes the lock as thread `me` (which does not hold it), runs `body`, gives the lock back.
    private func locked<T, E: Error>(by me: UInt, _ body: () throws(E) -> T) throws(E) -> T {
        mutex.lock()
        owner.store(me, ordering: .relaxed)
        defer {
            owner.store(0, ordering: .relaxed)
            mutex.unlock()
        }
        return try body()
    }

    /// The calling thread's identity (never 0).
    private static var currentThread: UInt {
        #if canImport(Glibc)
        return UInt(pthread_self())
        #else
        return UInt(bitPattern: pthread_self())
        #endif
    }
}
