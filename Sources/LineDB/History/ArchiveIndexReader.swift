#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An archive's index sidecar, opened and verified (``ArchiveIndex``): the header and bucket directory pass
/// their checksum, and the archive is still the one indexed (same size, same first and last 64 KiB).
///
/// Buckets are read and verified one at a time, when a key is looked up.
package struct ArchiveIndexReader {
    /// Why a sidecar was not used; each is a warning in `linedb check`, never an error for a reader.
    package enum Rejection: Error, Sendable, Equatable, CustomStringConvertible {
        case missing
        case damaged(String)
        case stale(String)

        package var description: String {
            switch self {
            case .missing: return "no index"
            case .damaged(let why): return "damaged index (\(why))"
            case .stale(let why): return "stale index (\(why))"
            }
        }
    }

    package let index: ArchiveIndex
    let io: FileIO
    let sidecarPath: String
    let archivePath: String
    let fileSize: Int
    private let directory: [(offset: Int, length: Int, crc: UInt32)]

    /// Opens `wal/<archive>.idx` for `wal/<archive>` and checks it.
    package static func open(io: FileIO, walDir: String, archive: String) -> Result<ArchiveIndexReader, Rejection> {
        let sidecar = walDir + "/" + ArchiveIndex.sidecarName(for: archive)
        let archivePath = walDir + "/" + archive
        guard let status = io.lstat(sidecar) else { return .failure(.missing) }
        guard !status.isSymbolicLink, !status.isDirectory else { return .failure(.damaged("not a regular file")) }
        do throws(LineDBError) {
            let fd = try io.open(sidecar, flags: O_RDONLY | O_NOFOLLOW | O_CLOEXEC, mode: 0)
            defer { try? io.close(fd, path: sidecar) }
            let size = io.fstat(fd)?.size ?? 0
            let start = try io.pread(fd, count: min(size, 64 << 10), offset: 0, path: sidecar)
            guard start.count >= 16, Array(start[0..<8]) == ArchiveIndex.magic else {
                return .failure(.damaged("not an archive index: no LDBAIDX1 magic"))
            }
            let headerLength = Int(Bytes.readLE(start, 8, 4))
            let crc = UInt32(Bytes.readLE(start, 12, 4))
            guard headerLength > 0, 16 + headerLength <= size else { return .failure(.damaged("truncated header")) }
            let headerBytes = 16 + headerLength <= start.count
                ? Array(start[16..<(16 + headerLength)])
                : try io.pread(fd, count: headerLength, offset: 16, path: sidecar)
            guard headerBytes.count == headerLength,
                case .object(let h)? = try? JSONParser.parse(headerBytes),
                case .string(ArchiveIndex.format)? = h["format"],
                case .string(let archiveName)? = h["archive"], case .int(let archiveSize)? = h["size"],
                case .int(let buckets)? = h["buckets"], buckets > 0, buckets <= 1 << 20, buckets & (buckets - 1) == 0,
                case .string(let headHex)? = h["head_crc"], let head = UInt32(headHex, radix: 16),
                case .string(let tailHex)? = h["tail_crc"], let tail = UInt32(tailHex, radix: 16),
                case .array(let tableList)? = h["tables"]
            else {
                return .failure(.damaged("unreadable header"))
            }
            let directoryStart = 16 + headerLength
            guard directoryStart + 16 * buckets <= size else { return .failure(.damaged("truncated bucket directory")) }
            let directoryBytes = try io.pread(fd, count: 16 * buckets, offset: directoryStart, path: sidecar)
            guard directoryBytes.count == 16 * buckets,
                directoryBytes.withUnsafeBytes({ CRC32C.checksum($0, initial: CRC32C.checksum(headerBytes)) }) == crc
            else {
                return .failure(.damaged("header checksum mismatch"))
            }
            var directory: [(offset: Int, length: Int, crc: UInt32)] = []
            directory.reserveCapacity(buckets)
            var expected = directoryStart + 16 * buckets
            for b in 0..<buckets {
                let offset = Int(Bytes.readLE(directoryBytes, 16 * b, 8))
                let length = Int(Bytes.readLE(directoryBytes, 16 * b + 8, 4))
                guard offset == expected, offset + length <= size else {
                    return .failure(.damaged("bucket \(b) lies outside the file (truncated?)"))
                }
                expected += length
                directory.append((offset, length, UInt32(Bytes.readLE(directoryBytes, 16 * b + 12, 4))))
            }
            guard expected == size else { return .failure(.damaged("\(size - expected) bytes after the last bucket")) }
            var tables: [(name: String, pk: String)] = []
            for case .object(let t) in tableList {
                guard case .string(let name)? = t["name"], case .string(let pk)? = t["pk"] else {
                    return .failure(.damaged("unreadable table list"))
                }
                tables.append((name, pk))
            }
            guard String.exactlyEqual(archiveName, archive) else {
                return .failure(.stale("it was made for wal/\(archiveName)"))
            }
            // The archive must be the one indexed.
            let print: (size: Int, head: UInt32, tail: UInt32)
            do throws(LineDBError) {
                print = try ArchiveIndex.fingerprint(io: io, path: archivePath)
            } catch {
                return .failure(.stale("wal/\(archive) cannot be read: \(error)"))
            }
            guard print.size == archiveSize else {
                return .failure(.stale("wal/\(archive) is \(print.size) bytes; the index was made when it was \(archiveSize)"))
            }
            guard print.head == head, print.tail == tail else {
                return .failure(.stale("wal/\(archive) changed since the index was made (its first or last 64 KiB differ)"))
            }
            func int(_ key: String) -> Int? { if case .int(let i)? = h[key] { return i } else { return nil } }
            func string(_ key: String) -> String? { if case .string(let s)? = h[key] { return s } else { return nil } }
            let index = ArchiveIndex(
                archive: archiveName, size: archiveSize, headCRC: head, tailCRC: tail, firstLSN: int("first_lsn"),
                lastLSN: int("last_lsn"), firstTime: string("first_time"), lastTime: string("last_time"),
                entryCount: int("entries") ?? 0, keyCount: int("keys") ?? 0, tables: tables)
            return .success(ArchiveIndexReader(
                index: index, io: io, sidecarPath: sidecar, archivePath: archivePath, fileSize: size,
                directory: directory))
        } catch {
            return .failure(.damaged("cannot be read: \(error)"))
        }
    }

    /// The entries of `table` (compared as ``Database/history(of:key:limit:)`` compares table names) indexed under
    /// `key`, in file order; `nil` when a bucket fails its checksum or does not parse.
    package func postings(table: String, key: JSONValue) -> [ArchiveIndex.Posting]? {
        let keyBytes = ArchiveIndex.keyBytes(key)
        var out: [ArchiveIndex.Posting] = []
        for (t, entry) in index.tables.enumerated() where entry.name == table {
            let b = ArchiveIndex.bucket(table: entry.name, key: keyBytes, buckets: directory.count)
            guard let found = postings(bucket: b, table: t, key: keyBytes) else { return nil }
            out += found
        }
        if index.tables.lazy.filter({ $0.name == table }).count > 1 { out.sort { $0.lsn < $1.lsn } }
        return out
    }

    private func postings(bucket b: Int, table: Int, key: [UInt8]) -> [ArchiveIndex.Posting]? {
        let (offset, length, crc) = directory[b]
        if length == 0 { return [] }
        guard let fd = try? io.open(sidecarPath, flags: O_RDONLY | O_NOFOLLOW | O_CLOEXEC, mode: 0) else { return nil }
        defer { try? io.close(fd, path: sidecarPath) }
        guard let bytes = try? io.pread(fd, count: length, offset: offset, path: sidecarPath), bytes.count == length,
            CRC32C.checksum(bytes) == crc
        else { return nil }
        var result: [ArchiveIndex.Posting]? = nil
        let parsed: Bool = bytes.withUnsafeBytes { raw in
            var at = 0
            while at < raw.count {
                guard let t = VarInt.read(raw, &at), let n = VarInt.read(raw, &at), n <= raw.count - at else { return false }
                let matches = t == table && n == key.count && raw[at..<(at + n)].elementsEqual(key)
                at += n
                guard let count = VarInt.read(raw, &at), count <= raw.count - at else { return false }
                var list: [ArchiveIndex.Posting] = []
                var (lsn, byteOffset, line) = (index.firstLSN ?? 0, 0, 0)
                for _ in 0..<count {
                    guard let dl = VarInt.read(raw, &at), let doff = VarInt.read(raw, &at),
                        let span = VarInt.read(raw, &at), let dline = VarInt.read(raw, &at),
                        let deff = VarInt.read(raw, &at)
                    else { return false }
                    lsn += dl
                    byteOffset += doff
                    line += dline
                    if matches {
                        list.append(ArchiveIndex.Posting(
                            lsn: lsn, effectiveLSN: lsn + deff, byteOffset: byteOffset, span: span, line: line))
                    }
                }
                if matches { result = list }
            }
            return true
        }
        guard parsed else { return nil }
        return result ?? []
    }

    /// The archive's entries at `postings`, each read with `pread`, decoded and checked (its CRC, and the LSN the
    /// index names); `nil` as soon as one does not match: the caller then reads the archive whole.
    package func entries(_ postings: [ArchiveIndex.Posting]) -> [HistoryEntry]? {
        if postings.isEmpty { return [] }
        guard let fd = try? io.open(archivePath, flags: O_RDONLY | O_NOFOLLOW | O_CLOEXEC, mode: 0) else { return nil }
        defer { try? io.close(fd, path: archivePath) }
        var out: [HistoryEntry] = []
        out.reserveCapacity(postings.count)
        for p in postings {
            guard p.byteOffset >= 0, p.span > 0, p.byteOffset + p.span <= index.size,
                let bytes = try? io.pread(fd, count: p.span, offset: p.byteOffset, path: archivePath),
                let end = bytes.firstIndex(of: 10)
            else { return nil }
            let decoded = bytes.withUnsafeBufferPointer {
                WALLine.decode(
                    UnsafeBufferPointer(rebasing: $0[..<end]), lineNumber: p.line, byteOffset: p.byteOffset,
                    impliedLSN: p.lsn)
            }
            guard case .success(let e) = decoded, !e.isLegacy, e.lsn == p.lsn else { return nil }
            out.append(HistoryEntry(entry: e, file: index.archive, effectiveLSN: p.effectiveLSN))
        }
        return out
    }

    /// Every bucket read and verified (for `linedb check`); a description of the first that fails.
    package func verifyBuckets() -> String? {
        guard let fd = try? io.open(sidecarPath, flags: O_RDONLY | O_NOFOLLOW | O_CLOEXEC, mode: 0) else {
            return "cannot be opened"
        }
        defer { try? io.close(fd, path: sidecarPath) }
        for b in directory.indices {
            let (offset, length, crc) = directory[b]
            if length == 0 { continue }
            guard let bytes = try? io.pread(fd, count: length, offset: offset, path: sidecarPath), bytes.count == length,
                CRC32C.checksum(bytes) == crc
            else { return "bucket \(b) (byte \(offset)) fails its checksum" }
        }
        return nil
    }
}
