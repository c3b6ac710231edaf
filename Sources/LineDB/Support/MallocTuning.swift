#if canImport(Glibc)
internal import CLineDBSupport
#endif

/// A glibc malloc setting that makes opening a large database faster: call ``apply()`` first thing in `main`.
///
/// Loading a table allocates a few hundred bytes per record on several threads. With glibc's defaults a
/// thread's heap is made usable one page at a time as it grows: an `mprotect` call per 4 KiB, each taking the
/// process's memory-map lock that the other threads' page faults also need. At 1,000,000 records that is about a
/// tenth of the open's CPU time. A `M_TOP_PAD` of 64 MiB makes each thread heap usable whole when it is created
/// (64 MiB is glibc's heap size), which removes those calls; memory is still committed only when touched.
/// `linedb-bench --browser` measures the open with and without it.
///
/// The engine does not change the process's malloc by itself (a host program may have its own reasons); the
/// `linedb` command calls ``apply()``. Transparent huge pages (`glibc.malloc.hugetlb=1`) were measured too and not
/// adopted: on this project's virtual machines the first open after a pause got slower, as every huge page had to
/// be backed by the host anew.
package enum MallocTuning {
    /// The `M_TOP_PAD` value ``apply()`` sets: glibc's thread-heap size.
    package static let topPad = 64 << 20

    /// Sets glibc's `M_TOP_PAD` to ``topPad``. Returns whether glibc accepted it; does nothing off glibc.
    ///
    /// (Setting it also turns off glibc's adaptive mmap threshold, so the 4 MiB read buffers of a load are each
    /// mapped afresh. Raising `M_MMAP_THRESHOLD` to keep them on the heap was measured: hardly faster, and 20 MiB
    /// more peak RSS at 1M records.)
    @discardableResult
    package static func apply() -> Bool {
        #if canImport(Glibc)
        return mallopt(M_TOP_PAD, Int32(topPad)) == 1
        #else
        return false
        #endif
    }
}
