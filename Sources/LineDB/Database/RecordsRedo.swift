#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The redo file of an in-place save, `data/.<table>.records.redo`: the byte patches a save is about to write into
/// a records file, made durable before the first one is written, so that a torn in-place write (a kill or a power
/// cut between two patches, or inside one) is completed at the next open instead of leaving a damaged line in the
/// middle of the file (STORAGE.md R9: a multi-block file is overwritten only after its journal is synced, as
/// SQLite does).
///
/// Format (little endian): the 14-byte magic `LINEDB-REDO/1\n`, the file's size before (8 bytes) and after (8),
/// the patch count (4), then per patch its offset (8), length (4) and bytes, then a CRC-32C (4) of everything
/// before it. Complete means: every announced byte present, nothing after, and the CRC matching; anything else is
/// a redo whose write was interrupted, which means the records file was not touched yet.
///
/// Its name starts with `.` and does not end in `.records`, so neither the seed nor LineDB's loader takes it for a
/// table.
package struct RecordsRedo: Equatable, Sendable {
    /// One write: `bytes` at `offset`.
    package struct Patch: Equatable, Sendable {
        package var offset: Int
        package var bytes: [UInt8]
        package init(offset: Int, bytes: [UInt8]) {
            self.offset = offset
            self.bytes = bytes
        }
    }

    /// The records file's size before the save.
    package var sizeBefore: Int
    /// Its size after (patches past `sizeBefore` append).
    package var sizeAfter: Int
    package var patches: [Patch]

    package init(sizeBefore: Int, sizeAfter: Int, patches: [Patch]) {
        self.sizeBefore = sizeBefore
        self.sizeAfter = sizeAfter
        self.patches = patches
    }

    static let magic = Array("LINEDB-REDO/1\n".utf8)

    /// The redo file's name for `table`'s records file.
    package static func fileName(table: String) -> String { ".\(table).records.redo" }

    /// The table a file in `data/` is the redo file of, if it is one.
    package static func table(ofFileName name: String) -> String? {
        guard name.hasPrefix("."), name.hasSuffix(".records.redo"), name.count > ".records.redo".count + 1 else {
            return nil
        }
        return String(name.dropFirst().dropLast(".records.redo".count))
    }

    /// The file's bytes.
    package func encoded() -> [UInt8] {
        var out = RecordsRedo.magic
        out.reserveCapacity(64 + patches.reduce(0) { $0 + 12 + $1.bytes.count })
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        put(UInt64(sizeBefore))
        put(UInt64(sizeAfter))
        put(UInt32(patches.count))
        for p in patches {
            put(UInt64(p.offset))
            put(UInt32(p.bytes.count))
            out.append(contentsOf: p.bytes)
        }
        put(CRC32C.checksum(out))
        return out
    }

    /// Reads a redo file's bytes: `nil` when they are not a complete redo (cut short, damaged, or anything else).
    package static func decode(_ bytes: [UInt8]) -> RecordsRedo? {
        var at = 0
        func take<T: FixedWidthInteger>(_: T.Type) -> T? {
            let n = MemoryLayout<T>.size
            guard at + n <= bytes.count else { return nil }
            var value: T = 0
            withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: bytes[at..<at + n]) }
            at += n
            return T(littleEndian: value)
        }
        guard bytes.count >= magic.count + 24, Array(bytes[0..<magic.count]) == magic else { return nil }
        at = magic.count
        guard let before = take(UInt64.self), let after = take(UInt64.self), let count = take(UInt32.self),
            before <= UInt64(Int.max), after <= UInt64(Int.max)
        else { return nil }
        var patches: [Patch] = []
        for _ in 0..<count {
            guard let offset = take(UInt64.self), let length = take(UInt32.self), offset <= UInt64(Int.max),
                at + Int(length) <= bytes.count
            else { return nil }
            patches.append(Patch(offset: Int(offset), bytes: Array(bytes[at..<at + Int(length)])))
            at += Int(length)
        }
        let body = at
        let expected = bytes.withUnsafeBufferPointer { CRC32C.checksum(UnsafeBufferPointer(rebasing: $0[0..<body])) }
        guard let crc = take(UInt32.self), at == bytes.count, crc == expected else { return nil }
        let redo = RecordsRedo(sizeBefore: Int(before), sizeAfter: Int(after), patches: patches)
        // Patches lie inside the file as it is after the save.
        guard redo.patches.allSatisfy({ $0.offset + $0.bytes.count <= redo.sizeAfter }) else { return nil }
        return redo
    }
}
