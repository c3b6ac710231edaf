#if canImport(Glibc)
internal import CLineDBSupport
#endif

/// Gives the heap's free memory back to the system before a large filter or sort (glibc's `malloc_trim`).
///
/// The view a sort or filter replaced (8 MB at 1M rows) was freed into the middle of the heap, where glibc keeps it
/// resident for later; the next sort's working buffers (``PageBuffer``s, mapped apart) cannot use it, so each such
/// hole adds to the peak of the next operation. Trimming in the first slice of a large operation (a few
/// milliseconds, before hundreds spent sorting) keeps the resident size at what is in use. (Not when the operation
/// ends: the app's copy of the state still holds the old view until the next frame.) Elsewhere than glibc it does
/// nothing.
enum HeapTrim {
    /// Operations on fewer rows than this leave nothing worth trimming.
    static let minimumRows = 100_000

    /// Trims the heap before an operation over `rows` rows (when that is many).
    static func beforeOperation(rows: Int) {
        guard rows >= minimumRows else { return }
        #if canImport(Glibc)
        _ = malloc_trim(0)
        #endif
    }
}
