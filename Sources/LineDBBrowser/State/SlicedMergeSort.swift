/// A stable bottom-up merge sort of `0..<count` that runs in slices: each ``step(budget:less:)`` does a bounded
/// amount of work and returns, so the browser can read keys and draw progress between slices. The result is the
/// permutation ``order``: `order[k]` is the position of the k-th smallest element.
///
/// Positions are kept as 32-bit integers (a table is far below 2³¹ rows): the two buffers of a sort of 1M rows
/// take 8 MB, not 16. They are ``PageBuffer``s, given back to the system as soon as the sort is done.
struct SlicedMergeSort: Sendable {
    /// Elements sorted by `sort` at the start, in runs of this many.
    static let runLength = 1024

    let count: Int
    private var source: PageBuffer<Int32>
    private var target: PageBuffer<Int32>
    /// Width of the runs being merged; ``runLength`` while the first runs are sorted.
    private var width: Int
    /// Whether the first runs are still being sorted.
    private var sortingRuns = true
    /// Start of the next run (first phase) or pair of runs (merge passes).
    private var next = 0
    /// Inside a merge that a slice left unfinished: left and right read positions, write position, ends.
    private var merge: (i: Int, mid: Int, j: Int, hi: Int, k: Int)?
    /// Work done and to do, in element moves (a sorted run of n counts n·log₂n).
    private(set) var done = 0
    let total: Int

    init(count: Int) {
        precondition(count <= Int(Int32.max), "a sort of \(count) elements: more than 32-bit positions hold")
        self.count = count
        source = PageBuffer(zeros: count)
        target = PageBuffer(zeros: count)
        source.withUnsafeMutableBufferPointer { p in
            for k in p.indices { p[k] = Int32(k) }
        }
        width = SlicedMergeSort.runLength
        var passes = 0
        var w = SlicedMergeSort.runLength
        while w < count {
            passes += 1
            w *= 2
        }
        total = max(1, count * (10 + passes))
    }

    var isFinished: Bool { !sortingRuns && width >= count }

    /// The sorted permutation (once ``isFinished``).
    var order: [Int] { source.withUnsafeBufferPointer { $0.map { Int($0) } } }

    /// `list` in the sorted order (`list[order[k]]` for each k), once ``isFinished``; the sort's buffers are
    /// released first (the one no longer needed before the result is built, the other after), so that a sort
    /// of 1M elements adds 4 MB to its result at the end.
    mutating func take(from list: [Int]) -> [Int] {
        precondition(isFinished && list.count == count, "the sort is not finished or the list is not its own")
        target = PageBuffer()
        let sorted = source.withUnsafeBufferPointer { order in order.map { list[Int($0)] } }
        source = PageBuffer()
        return sorted
    }

    /// Fraction of the work done, 0...1.
    var progress: Double { isFinished ? 1 : min(1, Double(done) / Double(total)) }

    /// Does about `budget` element moves of work; returns whether the sort is finished.
    mutating func step(budget: Int, less: (Int, Int) -> Bool) -> Bool {
        var left = budget
        while left > 0 && !isFinished {
            if sortingRuns {
                let hi = min(next + width, count)
                let lo = next
                source.withUnsafeMutableBufferPointer { p in
                    var run = UnsafeMutableBufferPointer(rebasing: p[lo..<hi])
                    run.sort { less(Int($0), Int($1)) }
                }
                left -= (hi - next) * 10
                done += (hi - next) * 10
                next = hi
                if next >= count {
                    sortingRuns = false
                    next = 0
                }
                continue
            }
            let moved = mergeSome(limit: left, less: less)
            left -= moved
            done += moved
        }
        return isFinished
    }

    /// Continues (or starts) the current merge for up to `limit` moves; moves to the next pass when one ends.
    private mutating func mergeSome(limit: Int, less: (Int, Int) -> Bool) -> Int {
        if merge == nil {
            let lo = next
            let mid = min(lo + width, count)
            let hi = min(lo + 2 * width, count)
            merge = (lo, mid, mid, hi, lo)
        }
        guard var m = merge else { return 0 }
        let startK = m.k
        let stop = min(m.hi, m.k + max(1, limit))
        source.withUnsafeBufferPointer { src in
            target.withUnsafeMutableBufferPointer { dst in
                while m.k < stop {
                    if m.i < m.mid && (m.j >= m.hi || !less(Int(src[m.j]), Int(src[m.i]))) {
                        dst[m.k] = src[m.i]
                        m.i += 1
                    } else {
                        dst[m.k] = src[m.j]
                        m.j += 1
                    }
                    m.k += 1
                }
            }
        }
        let moved = m.k - startK
        if m.k < m.hi {
            merge = m
            return moved
        }
        merge = nil
        next = m.hi
        if next >= count {
            swap(&source, &target)
            width *= 2
            next = 0
        }
        return moved
    }
}
