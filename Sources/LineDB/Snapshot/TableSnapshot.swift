import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A table's binary snapshot, `snapshot/<table>.snapshot`: a cache of what loading `data/<table>.records` gives,
/// in a form that decodes without parsing JSON. Never the truth: it is used only while it is tied to the records
/// file it was taken from (``RecordsTie``), and deleting it (or the whole `snapshot/` directory) loses nothing.
///
/// It lives in a directory of its own, which neither the seed nor LineDB's loader reads (they list `data/*.records`
/// and `schema/*.schema.json`), so it is never taken for a table, and tools that list `data/` see only records files.
///
/// Layout (integers little-endian):
///
/// ```
/// "LINEDB-SNAPSHOT\n"            16 bytes
/// header length                  u32
/// header                         a JSON object (see Header)
/// CRC-32C of the header          u32
/// segments                       each: rows encoded as below; its byte length, row count and CRC-32C are in the header
/// ```
///
/// A row is one value per column, then its fields not in the schema: a tag byte per value (0 null, 1 false,
/// 2 true, 3 int: 8 bytes, 4 double: 8 bytes of its bit pattern, 5 string: u32 length + UTF-8, 6 array or
/// object: u32 length + its compact JSON), then 0 (no extra fields) or 6 and the extra fields as one JSON object.
/// Arrays, objects and extra fields go through ``JSONWriter`` and ``JSONParser``: rare, and one definition of JSON.
package enum TableSnapshot {
    /// The first 16 bytes of every snapshot.
    static let magic: [UInt8] = Array("LINEDB-SNAPSHOT\n".utf8)
    /// The header's `format`: a snapshot of another format is ignored (and rewritten at the next checkpoint).
    static let format = "linedb-snapshot/1"
    /// Rows per segment: segments encode and decode on several threads, and are read one batch at a time so that
    /// the whole file is never in memory at once.
    static let rowsPerSegment = 65_536

    /// The directory of the snapshots.
    package static func directory(_ paths: DatabasePaths) -> String { paths.root + "/snapshot" }

    /// The snapshot's path: `snapshot/<table>.snapshot`.
    package static func path(_ paths: DatabasePaths, _ table: String) -> String {
        directory(paths) + "/" + table + ".snapshot"
    }

    /// Why a snapshot was not used.
    package struct Rejection: Error, CustomStringConvertible {
        /// What is wrong with it, e.g. "it was taken from another version of the records file (size differs)".
        package var reason: String
        /// `true` when the snapshot is well formed but describes another records file (stale), `false` when it is
        /// damaged or of another format or table.
        package var stale: Bool
        package var description: String { reason }
    }

    // MARK: - The tie to the records file

    /// What ties a snapshot to one version of its records file: size, inode and device, modification and change
    /// times (nanoseconds), and a CRC-32C of sampled blocks (the whole file when it is at most 4 MiB; else the
    /// first and last 64 KiB and 4 KiB at 256 evenly spaced places).
    ///
    /// Why not a CRC of the whole file: at 1M records (120 MB) the table-driven CRC-32C alone costs more than the
    /// whole open with the snapshot is allowed (0.15 s), and it would read every byte the snapshot exists to
    /// avoid. Every write changes `ctime` (which no user tool can set back, unlike `mtime`), a durable replace
    /// changes the inode, an append the size; the sampled blocks catch a same-size edit within one timestamp tick.
    /// And LineDB itself removes a table's snapshot (and syncs `data/`) before its save touches the records file,
    /// so a snapshot on disk was never older than the records file as LineDB left it.
    package struct RecordsTie: Equatable, Sendable {
        var size: Int
        var inode: UInt64
        var device: UInt64
        var modified: Int64
        var changed: Int64
        var sampleCRC: UInt32

        /// The tie of the records file open on `fd`.
        static func of(io: FileIO, fd: Int32, path: String) throws(LineDBError) -> RecordsTie? {
            guard let status = io.fstat(fd) else { return nil }
            let size = status.size
            var crc: UInt32 = 0
            func add(_ offset: Int, _ count: Int) throws(LineDBError) {
                let n = min(count, size - offset)
                guard n > 0 else { return }
                let bytes = try io.pread(fd, count: n, offset: offset, path: path)
                crc = bytes.withUnsafeBytes { CRC32C.checksum($0, initial: crc) }
            }
            if size <= 4 << 20 {
                try add(0, size)
            } else {
                try add(0, 64 << 10)
                let samples = 256
                let span = size - (128 << 10)
                for i in 0..<samples { try add((64 << 10) + span / samples * i, 4096) }
                try add(size - (64 << 10), 64 << 10)
            }
            return RecordsTie(
                size: size, inode: status.inode, device: status.device, modified: status.modifiedNanoseconds,
                changed: status.changedNanoseconds, sampleCRC: crc)
        }

        var json: JSONValue {
            [
                "size": .int(size), "inode": .int(Int(truncatingIfNeeded: inode)),
                "device": .int(Int(truncatingIfNeeded: device)), "mtime_ns": .int(Int(modified)),
                "ctime_ns": .int(Int(changed)), "sample_crc": .int(Int(sampleCRC)),
            ]
        }

        init(size: Int, inode: UInt64, device: UInt64, modified: Int64, changed: Int64, sampleCRC: UInt32) {
            (self.size, self.inode, self.device, self.modified, self.changed, self.sampleCRC) =
                (size, inode, device, modified, changed, sampleCRC)
        }

        init?(json: JSONValue?) {
            guard let o = json?.objectValue, let size = o["size"]?.intValue, let inode = o["inode"]?.intValue,
                let device = o["device"]?.intValue, let m = o["mtime_ns"]?.intValue, let c = o["ctime_ns"]?.intValue,
                let crc = o["sample_crc"]?.intValue, let sample = UInt32(exactly: crc)
            else { return nil }
            self.init(
                size: size, inode: UInt64(truncatingIfNeeded: inode), device: UInt64(truncatingIfNeeded: device),
                modified: Int64(m), changed: Int64(c), sampleCRC: sample)
        }

        /// What differs from `other`, in words ("size differs"), or `nil` when they are the same.
        func difference(from other: RecordsTie) -> String? {
            if size != other.size { return "its size differs (\(other.size) bytes, the snapshot is of \(size))" }
            if inode != other.inode || device != other.device { return "it is another file (inode differs)" }
            if modified != other.modified { return "its modification time differs" }
            if changed != other.changed { return "its change time differs" }
            if sampleCRC != other.sampleCRC { return "its sampled blocks' checksum differs" }
            return nil
        }
    }

    /// What the header says.
    struct Header {
        var table: String
        var schemaCRC: UInt32
        var tie: RecordsTie
        var rows: Int
        /// Per segment: byte length, row count, CRC-32C.
        var segments: [(bytes: Int, rows: Int, crc: UInt32)]
        /// Where the first segment starts in the file.
        var bodyOffset = 0
    }

    /// The fingerprint of a schema a snapshot was taken with: a snapshot taken under another schema is ignored.
    static func schemaCRC(_ schema: TableSchema) -> UInt32 { CRC32C.checksum(schema.fileContents) }

    // MARK: - Writing

    /// The snapshot's bytes for `rows` of a table with `schema`, tied to `tie`.
    static func encode(rows: [Row], schema: TableSchema, tie: RecordsTie) -> [UInt8] {
        Array(encodeParts(rows: rows, schema: schema, tie: tie).joined())
    }

    /// The snapshot's bytes in parts (the magic and header, then each segment), to be written one after the other
    /// without joining them (at 10M records a snapshot is 800 MB).
    static func encodeParts(rows: [Row], schema: TableSchema, tie: RecordsTie) -> [[UInt8]] {
        let columns = schema.columns.count
        let segmentCount = (rows.count + rowsPerSegment - 1) / rowsPerSegment
        var segments = [[UInt8]](repeating: [], count: segmentCount)
        segments.withUnsafeMutableBufferPointer { out in
            let out = UnsafeSendable(out)
            DispatchQueue.concurrentPerform(iterations: segmentCount) { k in
                let range = (k * rowsPerSegment)..<min(rows.count, (k + 1) * rowsPerSegment)
                out.value[k] = encodeSegment(rows[range], columns: columns)
            }
        }
        var directory: [JSONValue] = []
        for (k, bytes) in segments.enumerated() {
            let n = min(rows.count, (k + 1) * rowsPerSegment) - k * rowsPerSegment
            directory.append([.int(bytes.count), .int(n), .int(Int(CRC32C.checksum(bytes)))])
        }
        let header: JSONValue = [
            "format": .string(format), "table": .string(schema.name), "schema_crc": .int(Int(schemaCRC(schema))),
            "records": tie.json, "rows": .int(rows.count), "segments": .array(directory),
        ]
        var w = JSONWriter()
        w.write(header)
        var head = magic
        appendU32(UInt32(w.bytes.count), to: &head)
        head += w.bytes
        appendU32(CRC32C.checksum(w.bytes), to: &head)
        return [head] + segments
    }

    private static func appendU32(_ v: UInt32, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func encodeSegment(_ rows: ArraySlice<Row>, columns: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(rows.count * (columns * 12 + 1))
        func json(_ value: JSONValue) {
            var w = JSONWriter()
            w.write(value)
            out.append(6)
            appendU32(UInt32(w.bytes.count), to: &out)
            out += w.bytes
        }
        for row in rows {
            for value in row.values {
                switch value {
                case .null: out.append(0)
                case .bool(let b): out.append(b ? 2 : 1)
                case .int(let i):
                    out.append(3)
                    withUnsafeBytes(of: i.littleEndian) { out.append(contentsOf: $0) }
                case .double(let d):
                    out.append(4)
                    withUnsafeBytes(of: d.bitPattern.littleEndian) { out.append(contentsOf: $0) }
                case .string(var s):
                    out.append(5)
                    s.withUTF8 { utf8 in
                        appendU32(UInt32(utf8.count), to: &out)
                        out.append(contentsOf: utf8)
                    }
                case .array, .object: json(value)
                }
            }
            if let extras = row.extras { json(.object(extras.fields)) } else { out.append(0) }
        }
        return out
    }

    // MARK: - Reading

    /// Reads and checks the header of the snapshot open on `fd`: its magic, format and checksum, its table and
    /// schema. Throws a ``Rejection`` naming what is wrong.
    static func readHeader(io: FileIO, fd: Int32, path: String, schema: TableSchema) throws -> Header {
        let size = io.fstat(fd)?.size ?? 0
        let head = try io.pread(fd, count: min(size, 1 << 16), offset: 0, path: path)
        guard head.count >= magic.count + 4, Array(head[0..<magic.count]) == magic else {
            throw Rejection(reason: "not a LineDB snapshot (no \"LINEDB-SNAPSHOT\" magic)", stale: false)
        }
        let length = Int(readU32(head, magic.count))
        let start = magic.count + 4
        guard length > 0, length <= 64 << 20, start + length + 4 <= size else {
            throw Rejection(reason: "truncated: its header runs past the end of the file", stale: false)
        }
        let headerBytes =
            start + length + 4 <= head.count
            ? Array(head[start..<(start + length + 4)]) : try io.pread(fd, count: length + 4, offset: start, path: path)
        let body = Array(headerBytes[0..<length])
        guard CRC32C.checksum(body) == readU32(headerBytes, length) else {
            throw Rejection(reason: "its header's checksum does not match (damaged)", stale: false)
        }
        guard let o = (try? JSONParser.parse(body))?.objectValue else {
            throw Rejection(reason: "its header is not a JSON object", stale: false)
        }
        guard o["format"]?.stringValue == format else {
            throw Rejection(
                reason: "it is of another format (\(o["format"].map { $0.brief } ?? "none"), expected \(format))",
                stale: false)
        }
        guard let table = o["table"]?.stringValue, String.exactlyEqual(table, schema.name) else {
            throw Rejection(reason: "it is a snapshot of another table (\(o["table"].map { $0.brief } ?? "none"))", stale: false)
        }
        guard let crc = o["schema_crc"]?.intValue, let rows = o["rows"]?.intValue, rows >= 0,
            let tie = RecordsTie(json: o["records"]), let list = o["segments"]?.arrayValue
        else { throw Rejection(reason: "its header lacks a field", stale: false) }
        var segments: [(bytes: Int, rows: Int, crc: UInt32)] = []
        var total = 0
        var bytes = 0
        for s in list {
            guard let a = s.arrayValue, a.count == 3, let b = a[0].intValue, let n = a[1].intValue,
                let c = a[2].intValue, b >= 0, n >= 0, let c32 = UInt32(exactly: c)
            else { throw Rejection(reason: "its segment list is malformed", stale: false) }
            segments.append((b, n, c32))
            total += n
            bytes += b
        }
        let bodyOffset = start + length + 4
        guard total == rows else { throw Rejection(reason: "its segments do not add up to its rows", stale: false) }
        guard bodyOffset + bytes == size else {
            throw Rejection(
                reason: "its size is wrong (\(size) bytes, the header describes \(bodyOffset + bytes)): truncated or extended",
                stale: false)
        }
        guard UInt32(truncatingIfNeeded: crc) == schemaCRC(schema) else {
            throw Rejection(reason: "it was taken under another schema of the table", stale: true)
        }
        return Header(
            table: table, schemaCRC: UInt32(truncatingIfNeeded: crc), tie: tie, rows: rows, segments: segments,
            bodyOffset: bodyOffset)
    }

    private static func readU32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    /// One decoded segment: its rows and, per row, the tags of the UNIQUE columns (as the text loader computes).
    struct Decoded {
        var rows: [Row] = []
        var uniqueTags: [UInt32] = []
    }

    /// Decodes the segments of the snapshot open on `fd` (after ``readHeader(io:fd:path:schema:)``) on background
    /// threads, each checked against its CRC first, and hands them to `consume` in order on the calling thread
    /// while later ones decode (at most two per core in flight, so the whole file is never in memory at once).
    /// Throws a ``Rejection`` for a damaged segment (`consume` may have seen earlier ones); returns after every
    /// background decode has finished.
    static func decode(
        io: FileIO, fd: Int32, path: String, header: Header, schema: TableSchema,
        consume: (Decoded) throws -> Void
    ) throws {
        let columns = schema.columns.count
        let unique = schema.uniqueNonKeyColumns
        let cores = max(1, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        let segments = header.segments
        let results = DecodedSegments(count: segments.count)
        let group = DispatchGroup()
        defer { group.wait() }
        var offset = header.bodyOffset
        var submitted = 0
        func submit() throws {
            let k = submitted
            let s = segments[k]
            let bytes = try io.pread(fd, count: s.bytes, offset: offset, path: path)
            offset += s.bytes
            submitted += 1
            DispatchQueue.global(qos: .userInitiated).async(group: group) {
                guard bytes.count == s.bytes, CRC32C.checksum(bytes) == s.crc else {
                    results.deliver(k, .failure(Rejection(
                        reason: "segment \(k + 1)'s checksum does not match (damaged)", stale: false)))
                    return
                }
                do {
                    let decoded = try bytes.withUnsafeBytes {
                        try decodeSegment($0, rows: s.rows, columns: columns, unique: unique)
                    }
                    results.deliver(k, .success(decoded))
                } catch {
                    results.deliver(k, .failure(Rejection(
                        reason: "segment \(k + 1) does not decode: \(error)", stale: false)))
                }
            }
        }
        for k in 0..<segments.count {
            while submitted < segments.count && submitted - k < cores * 2 { try submit() }
            try consume(try results.take(k).get())
        }
    }

    /// Checks every segment's CRC without decoding it (is a snapshot whose header is tied still whole?).
    static func verifySegments(io: FileIO, fd: Int32, path: String, header: Header) throws {
        var offset = header.bodyOffset
        for (k, s) in header.segments.enumerated() {
            let bytes = try io.pread(fd, count: s.bytes, offset: offset, path: path)
            guard bytes.count == s.bytes, CRC32C.checksum(bytes) == s.crc else {
                throw Rejection(reason: "segment \(k + 1)'s checksum does not match (damaged)", stale: false)
            }
            offset += s.bytes
        }
    }

    private struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads values from a segment's bytes, every read checked against the end.
    private struct Reader {
        let base: UnsafeRawPointer
        let count: Int
        var at = 0

        mutating func byte() throws -> UInt8 {
            guard at < count else { throw Malformed(description: "ends inside a row") }
            defer { at += 1 }
            return base.load(fromByteOffset: at, as: UInt8.self)
        }

        mutating func word() throws -> UInt64 {
            guard count - at >= 8 else { throw Malformed(description: "ends inside a number") }
            defer { at += 8 }
            return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self))
        }

        mutating func bytes() throws -> UnsafeRawBufferPointer {
            guard count - at >= 4 else { throw Malformed(description: "ends inside a length") }
            let n = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
            at += 4
            guard count - at >= n else { throw Malformed(description: "a string runs past the segment's end") }
            defer { at += n }
            return UnsafeRawBufferPointer(start: base + at, count: n)
        }

        mutating func json() throws -> JSONValue {
            let raw = try bytes()
            return try JSONParser.parse(raw.bindMemory(to: UInt8.self))
        }
    }

    private static func decodeSegment(_ buffer: UnsafeRawBufferPointer, rows n: Int, columns: Int, unique: [Int]) throws
        -> Decoded
    {
        var out = Decoded()
        out.rows.reserveCapacity(n)
        if !unique.isEmpty { out.uniqueTags.reserveCapacity(n * unique.count) }
        guard let base = buffer.baseAddress else {
            if n == 0 { return out }
            throw Malformed(description: "is empty")
        }
        var r = Reader(base: base, count: buffer.count)
        for _ in 0..<n {
            var values: [JSONValue] = []
            values.reserveCapacity(columns)
            for _ in 0..<columns {
                switch try r.byte() {
                case 0: values.append(.null)
                case 1: values.append(.bool(false))
                case 2: values.append(.bool(true))
                case 3: values.append(.int(Int(Int64(bitPattern: try r.word()))))
                case 4: values.append(.double(Double(bitPattern: try r.word())))
                case 5:
                    let utf8 = try r.bytes()
                    values.append(.string(String(decoding: utf8, as: UTF8.self)))
                case 6: values.append(try r.json())
                case let tag: throw Malformed(description: "holds an unknown value tag \(tag)")
                }
            }
            var extras: ExtraFields? = nil
            switch try r.byte() {
            case 0: break
            case 6:
                guard case .object(let fields) = try r.json() else {
                    throw Malformed(description: "holds extra fields that are not an object")
                }
                extras = ExtraFields(fields)
            case let tag: throw Malformed(description: "holds an unknown extra-fields tag \(tag)")
            }
            let row = Row(values: values, extras: extras)
            out.rows.append(row)
            if !unique.isEmpty { UniqueIndex.appendTags(of: row, columns: unique, to: &out.uniqueTags) }
        }
        guard r.at == r.count else { throw Malformed(description: "has \(r.count - r.at) bytes after its last row") }
        return out
    }
}

/// Decoded segments handed from the decoding threads to the loading thread, each once, in any order.
private final class DecodedSegments: @unchecked Sendable {
    private let lock = PThreadMutex()
    private var results: [Result<TableSnapshot.Decoded, TableSnapshot.Rejection>?]
    private let ready: [DispatchSemaphore]

    init(count: Int) {
        results = Array(repeating: nil, count: count)
        ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
    }

    func deliver(_ k: Int, _ result: Result<TableSnapshot.Decoded, TableSnapshot.Rejection>) {
        lock.withLock { results[k] = result }
        ready[k].signal()
    }

    /// Waits for segment `k` and takes it.
    func take(_ k: Int) -> Result<TableSnapshot.Decoded, TableSnapshot.Rejection> {
        ready[k].wait()
        return lock.withLock {
            defer { results[k] = nil }
            return results[k]!
        }
    }
}

/// A pointer handed to the threads of `concurrentPerform`, each writing its own element.
private struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
