#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where each saved slot's line lies in its table's records file, and how much padding (slack) the lines hold:
/// what an in-place save (Database/InPlaceSave.swift) needs to patch lines without reading the file.
///
/// Learnt at load (the parser sees each line's start) and after every append and rewrite (from the bytes
/// written). Slot `s`'s line is the bytes `offsets[s]..<offsets[s + 1]`, its newline and any padding included; a
/// slot without a line in the file (a record deleted and absorbed as padding by a neighbour) has an empty range.
/// `offsets.count == savedSlots + 1`: the last offset is where the saved lines end (the file's size).
///
/// Padding is spaces inside a line's object just before its closing `}` (valid JSON whitespace): the room an
/// in-place save leaves when a record shrinks, or where a deleted neighbour was. ``slack`` is its total, which
/// `linedb stats` shows and past ``compactionShare`` of the file makes the next save rewrite the file whole.
package struct RecordsLineSpans: Sendable {
    /// The start of each saved slot's line, then the end of the last one.
    package var offsets: [Int]
    /// The padding bytes of each saved slot's line.
    package var pads: [UInt32]
    /// The sum of ``pads``.
    package private(set) var slack = 0

    /// The share of the records file that slack may take before a save rewrites the file whole ("compaction on
    /// load", the seed's future list): 20%.
    package static let compactionShare = 0.2

    package init() {
        offsets = [0]
        pads = []
    }

    /// Spans read from a records file: the start of each record's line (in slot order), each line's padding, and
    /// the file's size.
    package init(starts: [Int], pads: [UInt32], end: Int) {
        offsets = starts
        offsets.append(end)
        self.pads = pads
        slack = pads.reduce(0) { $0 + Int($1) }
    }

    /// Where the saved lines end (the records file's size after the last save).
    package var end: Int { offsets[offsets.count - 1] }

    /// How many slots have a span.
    package var slotCount: Int { pads.count }

    /// The length of slot `s`'s line (0 when it has none).
    @inline(__always)
    package func length(_ s: Int) -> Int { offsets[s + 1] - offsets[s] }

    /// Sets slot `s`'s padding, keeping ``slack`` in step.
    @inline(__always)
    package mutating func setPad(_ s: Int, _ pad: Int) {
        slack += pad - Int(pads[s])
        pads[s] = UInt32(pad)
    }

    /// Adds the spans of newly written lines for slots `first..<first + live.count`, where `live[i]` says whether
    /// slot `first + i` has a line; `chunks` hold those lines, in order, each ending in `\n`.
    package mutating func append(live: [Bool], chunks: [[UInt8]]) {
        var position = end
        var lengths: [Int] = []
        lengths.reserveCapacity(live.count)
        for chunk in chunks {
            chunk.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                var from = 0
                while from < buffer.count {
                    // memchr: a byte loop over a 120 MB rewrite costs tens of milliseconds more.
                    guard let hit = memchr(base + from, 10, buffer.count - from) else { break }
                    let at = UnsafeRawPointer(hit).assumingMemoryBound(to: UInt8.self) - base
                    lengths.append(at + 1 - from)
                    from = at + 1
                }
            }
        }
        var next = 0
        offsets.reserveCapacity(offsets.count + live.count)
        pads.reserveCapacity(pads.count + live.count)
        offsets.removeLast()
        for isLive in live {
            offsets.append(position)
            pads.append(0)
            if isLive && next < lengths.count {
                position += lengths[next]
                next += 1
            }
        }
        offsets.append(position)
    }

    /// The padding of one records-file line `line` (without its newline): spaces after its last `}` and spaces just
    /// before it.
    package static func padding(of line: UnsafeBufferPointer<UInt8>) -> Int {
        var end = line.count
        while end > 0 && line[end - 1] == 32 { end -= 1 }
        var pad = line.count - end
        guard end > 0, line[end - 1] == UInt8(ascii: "}") else { return pad }
        var i = end - 1
        while i > 0 && line[i - 1] == 32 { i -= 1 }
        pad += end - 1 - i
        return pad
    }

    /// `encoded` (a compact JSON object) padded to `length` bytes with its newline: spaces before the closing `}`.
    /// `length` must be at least `encoded.count + 1`.
    package static func padded(_ encoded: ArraySlice<UInt8>, to length: Int, into out: inout [UInt8]) {
        out.append(contentsOf: encoded.dropLast())
        let spaces = length - 1 - encoded.count
        if spaces > 0 { out.append(contentsOf: repeatElement(32, count: spaces)) }
        out.append(UInt8(ascii: "}"))
        out.append(10)
    }
}
