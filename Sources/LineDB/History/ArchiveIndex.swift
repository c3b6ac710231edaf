#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The index sidecar of one WAL archive (issue 15, "Keeping history affordable"): for each table and key, the LSNs
/// and byte offsets of the archive's entries that touch that key, so that a record's history reads a few lines of
/// each archive instead of the whole file.
///
/// It is never the truth. The archive is; the sidecar is derived from it, written after the checkpoint is
/// complete, verified by checksums whenever it is read, and ignored when it is missing, damaged, stale or made
/// for another archive. Deleting it loses nothing: history then reads the archive whole, as it would without it.
///
/// ## The file: `wal/<archive>.idx`, e.g. `wal/transaction.20260122_203117.log.idx`
///
/// Numbers are little-endian; a *varint* is an unsigned LEB128 number (7 bits a byte, low bits first).
/// ```
/// offset 0   8 bytes   magic "LDBAIDX1"
///        8   u32       H: the header's length
///       12   u32       CRC-32C of bytes 16 ..< 16 + H + 16·B (the header and the bucket directory)
///       16   H bytes   the header, one JSON object (ordered):
///                      {"format":"linedb-archive-index/1","archive":"transaction.….log","size":N,
///                       "head_crc":"…","tail_crc":"…","first_lsn":…,"last_lsn":…,"first_time":"…",
///                       "last_time":"…","entries":E,"keys":K,"buckets":B,"tables":[{"name":"t","pk":"id"},…]}
///   16 + H   16·B      the bucket directory: per bucket u64 offset, u32 length, u32 CRC-32C of its bytes
///   then     the buckets, one after the other, each a run of key records:
///            varint table (index into "tables"), varint key length, the key (its JSON, -0.0 written as 0.0),
///            varint count, then per entry: varint LSN (the first relative to first_lsn, the others to the entry
///            before), varint byte offset (the same way), varint span (bytes from the line to the next entry),
///            varint line number (relative likewise), varint effective LSN − LSN (a transaction's COMMIT)
/// ```
/// A key lives in bucket `CRC-32C(table name + 0x00 + key) mod B` (B a power of two, about one bucket per eight
/// keys); within a bucket, records are sorted by table and key bytes, so the file is the same bytes whoever
/// builds it from the same archive. `size`, `head_crc` and `tail_crc` (CRC-32C of the archive's first and last
/// 64 KiB) tell whether the archive is still the one indexed; each line read through the index must then decode,
/// pass its own CRC and carry the LSN the index names, or the archive is read whole instead.
///
/// What is indexed: the `INSERT`, `UPDATE` and `DELETE` entries that took effect (a transaction's entries only when
/// its `COMMIT` is in the archive), under the value of the table's primary key column (`pk`) in `record` and in
/// `old_record` (both, when an update changed the key). An archive with lines of the seed's design (no LSN) or
/// that does not scan clean is not indexed.
package struct ArchiveIndex: Sendable {
    /// One entry of the archive that touches a key.
    package struct Posting: Sendable, Hashable {
        package var lsn: Int
        /// The LSN at which it took effect (its transaction's `COMMIT`, or its own).
        package var effectiveLSN: Int
        package var byteOffset: Int
        /// Bytes from the start of the line to the next entry (the line, its newline, any blank lines).
        package var span: Int
        package var line: Int
    }

    /// The archive the index describes, as the header says.
    package var archive: String
    package var size: Int
    package var headCRC: UInt32
    package var tailCRC: UInt32
    package var firstLSN: Int?
    package var lastLSN: Int?
    package var firstTime: String?
    package var lastTime: String?
    package var entryCount: Int
    package var keyCount: Int
    /// The tables the archive's entries name, with the column whose values are the keys.
    package var tables: [(name: String, pk: String)]

    static let magic: [UInt8] = Array("LDBAIDX1".utf8)
    static let format = "linedb-archive-index/1"
    /// How much of each end of the archive the fingerprint covers.
    static let fingerprintBytes = 64 << 10

    /// `transaction.20260122_203117.log.idx` for `transaction.20260122_203117.log`.
    package static func sidecarName(for archive: String) -> String { archive + ".idx" }

    /// Whether a `wal/` entry is an archive's index sidecar.
    package static func isSidecarName(_ name: String) -> Bool {
        name.hasSuffix(".log.idx") && DatabasePaths.isArchiveName(String(name.dropLast(".idx".count)))
    }

    /// The key's bytes in the index: its JSON, with a negative zero written as zero (`-0.0 == 0.0`).
    static func keyBytes(_ key: JSONValue) -> [UInt8] {
        if case .int(let i) = key { return Array(String(i).utf8) }  // the common key, without a writer
        var w = JSONWriter(reservingCapacity: 16)
        w.write(canonical(key))
        return w.bytes
    }

    private static func canonical(_ v: JSONValue) -> JSONValue {
        switch v {
        case .double(let d) where d == 0: return .double(0)
        case .array(let a): return .array(a.map(canonical))
        case .object(let o):
            var c = JSONObject()
            for (k, x) in o { c[k] = canonical(x) }
            return .object(c)
        default: return v
        }
    }

    static func bucket(table: String, key: [UInt8], buckets: Int) -> Int {
        var crc = CRC32C.checksum(Array(table.utf8) + [0])
        crc = key.withUnsafeBytes { CRC32C.checksum($0, initial: crc) }
        return Int(crc) & (buckets - 1)
    }

    /// The archive's size and the CRC-32C of its first and last 64 KiB: what the index must match to be fresh.
    static func fingerprint(io: FileIO, path: String) throws(LineDBError) -> (size: Int, head: UInt32, tail: UInt32) {
        let fd = try io.open(path, flags: O_RDONLY | O_NOFOLLOW | O_CLOEXEC, mode: 0)
        defer { try? io.close(fd, path: path) }
        guard let size = io.fstat(fd)?.size else { throw .io(operation: "stat", path: path, errno: EIO) }
        let n = min(size, fingerprintBytes)
        let head = CRC32C.checksum(try io.pread(fd, count: n, offset: 0, path: path))
        let tail = CRC32C.checksum(try io.pread(fd, count: n, offset: size - n, path: path))
        return (size, head, tail)
    }
}

// MARK: - Building

/// Collects the postings of an archive's entries, in file order, and encodes the sidecar.
package struct ArchiveIndexBuilder {
    private struct KeyID: Hashable {
        var table: Int
        var key: [UInt8]
    }
    private struct Pending {
        var key: KeyID
        var lsn: Int
        var ordinal: Int
        var line: Int
        var txn: Int?
    }

    let archive: String
    let primaryKey: (String) -> String
    private var tables: [(name: String, pk: String)] = []
    private var tableIndex: [[UInt8]: Int] = [:]
    /// Byte offset of every entry, in order (a posting's span runs to the next one).
    private var offsets: [Int] = []
    private var pending: [Pending] = []
    private var commits: [Int: Int] = [:]
    private var lastTable: (String, Int)? = nil
    private var first: (lsn: Int, timestamp: String)? = nil
    private var last: (lsn: Int, timestamp: String)? = nil
    /// Set when the archive cannot be indexed (the seed's lines).
    package private(set) var unindexable: String? = nil

    /// - Parameter primaryKey: the column whose values are a table's keys (the table's primary key; `id` for a
    ///   table that no longer exists), as ``Database/history(of:key:limit:)`` follows them.
    package init(archive: String, primaryKey: @escaping (String) -> String) {
        self.archive = archive
        self.primaryKey = primaryKey
    }

    /// Adds the archive's next entry (every entry, `COMMIT`s and `CHECKPOINT`s included, in file order).
    package mutating func add(_ e: WALEntry) {
        if e.isLegacy { unindexable = "it holds lines of the seed's design (no LSN)"; return }
        if first == nil { first = (e.lsn, e.timestamp) }
        last = (e.lsn, e.timestamp)
        let ordinal = offsets.count
        offsets.append(e.byteOffset)
        guard let op = e.operationKind else { return }
        if op == .commit, let txn = e.txn { commits[txn] = e.lsn; return }
        guard op == .insert || op == .update || op == .delete, let table = e.table else { return }
        let t: Int
        if let (name, index) = lastTable, String.exactlyEqual(name, table) {
            t = index  // entries mostly follow each other in one table
        } else if let known = tableIndex[Array(table.utf8)] {
            t = known
            lastTable = (table, t)
        } else {
            let exact = Array(table.utf8)
            t = tables.count
            tableIndex[exact] = t
            tables.append((table, primaryKey(table)))
            lastTable = (table, t)
        }
        let pk = tables[t].pk
        let new = e.record.objectValue?[pk]
        let old = e.oldRecord.objectValue?[pk]
        var keys: [[UInt8]] = []
        for case let v? in [new, old] where !v.isNull {
            let bytes = ArchiveIndex.keyBytes(v)
            if !keys.contains(bytes) { keys.append(bytes) }
        }
        for k in keys {
            pending.append(Pending(key: KeyID(table: t, key: k), lsn: e.lsn, ordinal: ordinal, line: e.line, txn: e.txn))
        }
    }

    /// The sidecar's bytes, for an archive of `size` bytes with the fingerprint given; `nil` if it cannot be
    /// indexed.
    package func encode(size: Int, headCRC: UInt32, tailCRC: UInt32) -> [UInt8]? {
        if unindexable != nil { return nil }
        var byKey: [KeyID: [ArchiveIndex.Posting]] = [:]
        var entryCount = 0
        for p in pending {
            let effective: Int
            if let txn = p.txn {
                guard let c = commits[txn] else { continue }  // never committed: never took effect
                effective = c
            } else {
                effective = p.lsn
            }
            let start = offsets[p.ordinal]
            let end = p.ordinal + 1 < offsets.count ? offsets[p.ordinal + 1] : size
            byKey[p.key, default: []].append(ArchiveIndex.Posting(
                lsn: p.lsn, effectiveLSN: effective, byteOffset: start, span: max(1, end - start), line: p.line))
            entryCount += 1
        }
        var buckets = 1
        while buckets < 1 << 20 && buckets * 8 < byKey.count { buckets <<= 1 }
        var members = [[KeyID]](repeating: [], count: buckets)
        for id in byKey.keys {
            members[ArchiveIndex.bucket(table: tables[id.table].name, key: id.key, buckets: buckets)].append(id)
        }
        let base = first?.lsn ?? 0
        var body: [UInt8] = []
        var directory: [UInt8] = []
        directory.reserveCapacity(16 * buckets)
        for b in 0..<buckets {
            let start = body.count
            let sorted = members[b].sorted { x, y in
                x.table != y.table ? x.table < y.table : x.key.lexicographicallyPrecedes(y.key)
            }
            for id in sorted {
                let postings = byKey[id]!
                VarInt.append(id.table, to: &body)
                VarInt.append(id.key.count, to: &body)
                body.append(contentsOf: id.key)
                VarInt.append(postings.count, to: &body)
                var (lsn, offset, line) = (base, 0, 0)
                for p in postings {
                    VarInt.append(p.lsn - lsn, to: &body)
                    VarInt.append(p.byteOffset - offset, to: &body)
                    VarInt.append(p.span, to: &body)
                    VarInt.append(p.line - line, to: &body)
                    VarInt.append(p.effectiveLSN - p.lsn, to: &body)
                    (lsn, offset, line) = (p.lsn, p.byteOffset, p.line)
                }
            }
            let crc = body.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start...])) }
            Bytes.appendLE(UInt64(start), 8, to: &directory)  // relative to the body; made absolute below
            Bytes.appendLE(UInt64(body.count - start), 4, to: &directory)
            Bytes.appendLE(UInt64(crc), 4, to: &directory)
        }
        var header = JSONObject()
        header["format"] = .string(ArchiveIndex.format)
        header["archive"] = .string(archive)
        header["size"] = .int(size)
        header["head_crc"] = .string(CRC32C.hex(headCRC))
        header["tail_crc"] = .string(CRC32C.hex(tailCRC))
        header["first_lsn"] = first.map { .int($0.lsn) } ?? .null
        header["last_lsn"] = last.map { .int($0.lsn) } ?? .null
        header["first_time"] = first.map { .string($0.timestamp) } ?? .null
        header["last_time"] = last.map { .string($0.timestamp) } ?? .null
        header["entries"] = .int(entryCount)
        header["keys"] = .int(byKey.count)
        header["buckets"] = .int(buckets)
        header["tables"] = .array(tables.map { .object(["name": .string($0.name), "pk": .string($0.pk)]) })
        let headerBytes = Array(JSONWriter.encode(.object(header)).utf8)
        let bodyStart = 16 + headerBytes.count + directory.count
        // Bucket offsets from the start of the file.
        for b in 0..<buckets {
            let at = 16 * b
            let relative = Bytes.readLE(directory, at, 8)
            var patched: [UInt8] = []
            Bytes.appendLE(relative + UInt64(bodyStart), 8, to: &patched)
            directory.replaceSubrange(at..<(at + 8), with: patched)
        }
        var out: [UInt8] = ArchiveIndex.magic
        out.reserveCapacity(bodyStart + body.count)
        Bytes.appendLE(UInt64(headerBytes.count), 4, to: &out)
        let crc = directory.withUnsafeBytes { CRC32C.checksum($0, initial: CRC32C.checksum(headerBytes)) }
        Bytes.appendLE(UInt64(crc), 4, to: &out)
        out.append(contentsOf: headerBytes)
        out.append(contentsOf: directory)
        out.append(contentsOf: body)
        return out
    }

    /// Builds the sidecar of the archive at `path` by scanning it whole; `nil` when it cannot be indexed (the
    /// seed's lines, or an archive that does not scan clean: history then reports its damage by reading it).
    package static func build(
        io: FileIO, path: String, archive: String, primaryKey: @escaping (String) -> String
    ) throws(LineDBError) -> [UInt8]? {
        let print = try ArchiveIndex.fingerprint(io: io, path: path)
        guard let bytes = try io.readFile(path), bytes.count == print.size else { return nil }
        var builder = ArchiveIndexBuilder(archive: archive, primaryKey: primaryKey)
        let scan = bytes.withUnsafeBufferPointer { buffer in
            WALScanner.scan(buffer, path: path, firstImpliedLSN: 1) { builder.add($0) }
        }
        guard case .clean = scan.outcome else { return nil }
        return builder.encode(size: print.size, headCRC: print.head, tailCRC: print.tail)
    }
}

// MARK: - Small byte helpers

/// Unsigned LEB128 numbers.
enum VarInt {
    static func append(_ value: Int, to out: inout [UInt8]) {
        var v = UInt64(max(0, value))
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// Reads one number at `at`, moving it past; `nil` when the bytes end first or it overflows.
    static func read(_ bytes: UnsafeRawBufferPointer, _ at: inout Int) -> Int? {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while at < bytes.count, shift < 63 {
            let b = bytes[at]
            at += 1
            v |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return v <= UInt64(Int.max) ? Int(v) : nil }
            shift += 7
        }
        return nil
    }
}

/// Little-endian fixed-width numbers.
enum Bytes {
    static func appendLE(_ value: UInt64, _ width: Int, to out: inout [UInt8]) {
        for i in 0..<width { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    static func readLE(_ bytes: [UInt8], _ at: Int, _ width: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<width { v |= UInt64(bytes[at + i]) << (8 * UInt64(i)) }
        return v
    }
}
